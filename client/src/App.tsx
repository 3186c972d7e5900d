import { Route, Router } from "@solidjs/router";
import { AppShell } from "./components/AppShell.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { QueuePage } from "./pages/QueuePage.tsx";
import { TicketPage } from "./pages/TicketPage.tsx";

export function App() {
  return (
    <Router>
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={AppShell}>
        <Route path="/" component={QueuePage} />
        <Route path="/tickets/:id" component={TicketPage} />
        <Route path="*404" component={NotFoundPage} />
      </Route>
    </Router>
  );
}
