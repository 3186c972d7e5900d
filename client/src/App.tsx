import { Route, Router } from "@solidjs/router";
import { AppShell } from "./components/AppShell.tsx";
import { CabinetPage } from "./pages/CabinetPage.tsx";
import { AdminAiPage } from "./pages/AdminAiPage.tsx";
import { AdminSettingsPage } from "./pages/AdminSettingsPage.tsx";
import { GuestPage } from "./pages/GuestPage.tsx";
import { JoinPage } from "./pages/JoinPage.tsx";
import { WidgetPage } from "./pages/WidgetPage.tsx";
import { LiveCallsPage } from "./pages/LiveCallsPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { QueuePage } from "./pages/QueuePage.tsx";
import { TicketPage } from "./pages/TicketPage.tsx";
import { WallboardPage } from "./pages/WallboardPage.tsx";

export function App() {
  return (
    <Router>
      <Route path="/login" component={LoginPage} />
      {/* The customer's pages: a guest session, no staff shell. */}
      <Route path="/join/:token" component={JoinPage} />
      <Route path="/guest" component={GuestPage} />
      <Route path="/widget/:key" component={WidgetPage} />
      {/* A TV page: no top bar, its own session gate. */}
      <Route path="/wallboard" component={WallboardPage} />
      <Route path="/" component={AppShell}>
        <Route path="/" component={QueuePage} />
        <Route path="/tickets/:id" component={TicketPage} />
        <Route path="/me" component={CabinetPage} />
        <Route path="/calls" component={LiveCallsPage} />
        <Route path="/admin/ai" component={AdminAiPage} />
        <Route path="/admin/settings" component={AdminSettingsPage} />
        <Route path="*404" component={NotFoundPage} />
      </Route>
    </Router>
  );
}
