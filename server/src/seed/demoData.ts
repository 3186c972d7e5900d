// Demo content: one English and one Russian organisation, so both languages can be tried at once.
import type { Locale, StaffRole, TicketPriority, TicketStatus } from "@caseroom/shared";

export interface DemoOrg {
  slug: string;
  name: string;
  locale: Locale;
  timeZone: string;
  users: { email: string; name: string; role: StaffRole }[];
  teams: { name: string; members: string[] }[];
  tickets: { title: string; description: string; priority: TicketPriority; status: TicketStatus; createdBy: string; assignee?: string }[];
  articles: { title: string; body: string; tags: string[] }[];
}

const en: DemoOrg = {
  slug: "demo",
  name: "Caseroom Demo",
  locale: "en",
  timeZone: "Europe/London",
  users: [
    { email: "admin@caseroom.local", name: "Alex Admin", role: "admin" },
    { email: "supervisor@caseroom.local", name: "Sam Supervisor", role: "supervisor" },
    { email: "tech1@caseroom.local", name: "Taylor Tech", role: "technician" },
    { email: "tech2@caseroom.local", name: "Jordan Tech", role: "technician" },
  ],
  teams: [
    { name: "Hardware", members: ["supervisor@caseroom.local", "tech1@caseroom.local"] },
    { name: "Network", members: ["supervisor@caseroom.local", "tech2@caseroom.local"] },
  ],
  tickets: [
    { title: "Printer on 3rd floor prints blank pages", description: "Since this morning every job from the HR printer comes out blank.", priority: "high", status: "open", createdBy: "tech1@caseroom.local", assignee: "tech1@caseroom.local" },
    { title: "VPN disconnects every 10 minutes", description: "Remote staff lose the VPN tunnel roughly every ten minutes and must reconnect.", priority: "urgent", status: "new", createdBy: "supervisor@caseroom.local" },
    { title: "Badge reader at front desk rejects cards", description: "The reader beeps twice and rejects every card since this morning.", priority: "high", status: "open", createdBy: "tech2@caseroom.local", assignee: "tech2@caseroom.local" },
    { title: "Laptop will not turn on after update", description: "A Dell Latitude shows no power light after last night's firmware update.", priority: "normal", status: "pending", createdBy: "tech1@caseroom.local", assignee: "tech1@caseroom.local" },
    { title: "Wi-Fi slow in meeting room B", description: "Video calls freeze in meeting room B; other rooms are fine.", priority: "normal", status: "new", createdBy: "tech2@caseroom.local" },
    { title: "Password reset e-mail never arrives", description: "A customer requested three resets and received none.", priority: "low", status: "resolved", createdBy: "tech1@caseroom.local", assignee: "tech2@caseroom.local" },
  ],
  articles: [
    { title: "Printer prints blank pages", body: "Check the toner cartridge is seated and the sealing tape removed. Print a configuration page from the printer's own menu; if it is blank too, replace the drum unit. If it prints, reinstall the driver on the client.", tags: ["printer", "hardware"] },
    { title: "VPN keeps disconnecting", body: "Frequent VPN drops are usually an idle timeout or an MTU problem. Raise the client keep-alive to 30 seconds, and lower the MTU to 1400 on the tunnel interface. Check the gateway's session limit.", tags: ["vpn", "network"] },
    { title: "Badge reader beeps twice and rejects cards", body: "Two beeps mean the reader cannot reach the access controller. Power-cycle the reader, check the network cable to the controller, and confirm the controller's certificate has not expired.", tags: ["access", "hardware"] },
    { title: "Laptop has no power after a firmware update", body: "Hold the power button for 30 seconds with the charger unplugged and the battery disconnected, then connect the charger only. If the charging light stays off, try another adapter before sending the unit for repair.", tags: ["laptop", "hardware"] },
    { title: "Slow wireless in one room", body: "Run a site survey in the room. Usually a neighbouring access point shares the same channel: move it to a free 5 GHz channel and make sure band steering is on.", tags: ["wifi", "network"] },
  ],
};

const ru: DemoOrg = {
  slug: "demo-ru",
  name: "Кейсрум Демо",
  locale: "ru",
  timeZone: "Europe/Moscow",
  users: [
    { email: "admin@ru.caseroom.local", name: "Анна Смирнова", role: "admin" },
    { email: "supervisor@ru.caseroom.local", name: "Сергей Кузнецов", role: "supervisor" },
    { email: "tech1@ru.caseroom.local", name: "Иван Петров", role: "technician" },
    { email: "tech2@ru.caseroom.local", name: "Мария Иванова", role: "technician" },
  ],
  teams: [
    { name: "Оборудование", members: ["supervisor@ru.caseroom.local", "tech1@ru.caseroom.local"] },
    { name: "Сеть", members: ["supervisor@ru.caseroom.local", "tech2@ru.caseroom.local"] },
  ],
  tickets: [
    { title: "Принтер в бухгалтерии не печатает", description: "После вчерашнего обновления принтер принимает задания, но ничего не печатает.", priority: "high", status: "open", createdBy: "tech1@ru.caseroom.local", assignee: "tech1@ru.caseroom.local" },
    { title: "Не работает удалённый доступ по VPN", description: "Сотрудники на удалёнке не могут подключиться к VPN с утра понедельника.", priority: "urgent", status: "new", createdBy: "supervisor@ru.caseroom.local" },
    { title: "Медленный интернет в переговорной", description: "В большой переговорной видеозвонки постоянно зависают, в остальных комнатах всё нормально.", priority: "normal", status: "new", createdBy: "tech2@ru.caseroom.local" },
    { title: "Ноутбук не включается после обновления", description: "Индикатор питания не горит, зарядка подключена.", priority: "normal", status: "pending", createdBy: "tech1@ru.caseroom.local", assignee: "tech2@ru.caseroom.local" },
    { title: "Клиенту не приходит письмо для сброса пароля", description: "Клиент трижды запрашивал сброс пароля, писем нет даже в спаме.", priority: "low", status: "resolved", createdBy: "tech2@ru.caseroom.local", assignee: "tech2@ru.caseroom.local" },
  ],
  articles: [
    { title: "Принтер не печатает после обновления", body: "Если после обновления системы принтер принимает задания, но не печатает, удалите драйвер и установите его заново с сайта производителя. Очистите очередь печати и перезапустите службу диспетчера печати.", tags: ["принтер", "оборудование"] },
    { title: "VPN не подключается", body: "Проверьте, не истёк ли срок действия сертификата пользователя, и что часы на компьютере идут верно. Если ошибка повторяется, сбросьте профиль VPN-клиента и импортируйте его заново.", tags: ["vpn", "сеть"] },
    { title: "Медленный Wi-Fi в отдельном помещении", body: "Чаще всего соседняя точка доступа работает на том же канале. Переведите её на свободный канал в диапазоне 5 ГГц и включите балансировку диапазонов.", tags: ["wifi", "сеть"] },
    { title: "Ноутбук не включается", body: "Отключите зарядное устройство, зажмите кнопку питания на 30 секунд, затем подключите только зарядку. Если индикатор не загорается, попробуйте другой блок питания, прежде чем отправлять ноутбук в ремонт.", tags: ["ноутбук", "оборудование"] },
  ],
};

export const demoOrgs: readonly DemoOrg[] = [en, ru];
