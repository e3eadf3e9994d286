/**
 * The manager's dashboard: live waits per service against the targets, counters, alerts, charts,
 * staff, advice, reports, configuration. State in `state.ts`, kept live by `live.ts`; one file per panel.
 */
import '../shared/style.css';
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { loc, t } from '../shared/i18n.ts';
import { ErrorBanner, Header, Login, OfflineBanner } from '../shared/ui.tsx';
import { openReport } from './actions.ts';
import { startLive } from './live.ts';
import { AdvicePanel } from './panels/advice.tsx';
import { AlertsPanel } from './panels/alerts.tsx';
import { AppointmentsPanel } from './panels/appointments.tsx';
import { ConfigPanel } from './panels/config.tsx';
import { CountersPanel } from './panels/counters.tsx';
import { ArrivalsPanel, WaitsPanel } from './panels/hourly.tsx';
import { InboxPanel } from './panels/inbox.tsx';
import { OfficersPanel } from './panels/officers.tsx';
import { PeriodPanel } from './panels/period.tsx';
import { ReportsPanel } from './panels/reports.tsx';
import { ServicesPanel } from './panels/services.tsx';
import { TotalsPanel } from './panels/totals.tsx';
import { ReportView } from './report.tsx';
import { api, data, periodText, ui } from './state.ts';

async function signOut(): Promise<void> {
  await api.logout().catch(() => {});
  ui.staff.value = null;
}

function DashboardHeader({ withSignOut }: { withSignOut: boolean }) {
  const site = data.site.value;
  return (
    <Header title={`${t('dash.title')}${site ? ` · ${loc(site.site.name)}` : ''}`}>
      <span>{t('common.signedInAs', { name: ui.staff.value?.displayName ?? '' })}</span>
      {withSignOut && (
        <button type="button" class="btn btn-ghost" onClick={signOut}>
          {t('common.signOut')}
        </button>
      )}
    </Header>
  );
}

function Dashboard() {
  useEffect(() => startLive(), []);
  const report = ui.report.value;
  if (report)
    return (
      <>
        <DashboardHeader withSignOut={false} />
        <ReportView
          api={api}
          query={report}
          site={data.site.value}
          services={data.services.value}
          onBack={() => openReport(null)}
        />
      </>
    );
  return (
    <>
      <DashboardHeader withSignOut />
      <OfflineBanner show={!ui.connected.value} />
      <ErrorBanner error={ui.error.value} />
      <main class="dash">
        <h2 class="print-only">{t('dash.reportTitle', { day: periodText() })}</h2>
        <PeriodPanel />
        <TotalsPanel />
        <ServicesPanel />
        <AlertsPanel />
        <CountersPanel />
        <ArrivalsPanel />
        <WaitsPanel />
        <OfficersPanel />
        <AdvicePanel />
        <AppointmentsPanel />
        <InboxPanel />
        <ReportsPanel />
        <ConfigPanel />
      </main>
    </>
  );
}

function App() {
  useEffect(() => {
    api.me().then(
      (s) => {
        ui.staff.value = s.role === 'officer' ? null : s;
      },
      () => {
        ui.staff.value = null;
      },
    );
  }, []);
  const staff = ui.staff.value;
  if (staff === undefined) return <p class="muted">{t('common.loading')}</p>;
  if (!staff)
    return (
      <>
        <Header title={t('dash.title')} />
        <main>
          <Login
            api={api}
            roles={['manager', 'admin']}
            onSignedIn={(s) => {
              ui.staff.value = s;
            }}
          />
        </main>
      </>
    );
  return <Dashboard />;
}

render(<App />, document.getElementById('app')!);
