import type { ComponentChildren } from 'preact';
import { useEffect, useErrorBoundary, useState } from 'preact/hooks';
import { whenUnauthorized } from './api';
import { Link, matchPath, navigate, useLocation } from './router';
import { clearSession, currentSession, isStaff } from './session';
import { AlertsPage } from './pages/alerts';
import { AnalyticsPage } from './pages/analytics';
import { EventsPage } from './pages/events';
import { OperationsPage } from './pages/operations';
import { OrderPage } from './pages/order';
import { OrdersPage } from './pages/orders';
import { SignInPage } from './pages/sign-in';
import { PageTitle } from './components/ui';

const NAV = [
  { href: '/orders', label: 'Orders', staff: false },
  { href: '/events', label: 'Event log', staff: true },
  { href: '/analytics', label: 'Analytics', staff: true },
  { href: '/alerts', label: 'Alerts', staff: true },
  { href: '/operations', label: 'Operations', staff: true },
];

export function App() {
  const where = useLocation();
  const [session, setSession] = useState(currentSession);
  useEffect(() => {
    whenUnauthorized(() => {
      clearSession();
      setSession(undefined);
      navigate(`/sign-in?expired=1&next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    });
  }, []);
  useEffect(() => {
    if (!session && where.path !== '/sign-in') navigate(`/sign-in?next=${encodeURIComponent(where.href)}`, { replace: true });
    else if (where.path === '/') navigate('/orders', { replace: true });
  }, [session, where.path]);

  if (where.path === '/sign-in' || !session) {
    return (
      <main id="main" class="sign-in">
        <SignInPage onSignedIn={() => setSession(currentSession())} />
      </main>
    );
  }
  const signOut = () => {
    clearSession();
    setSession(undefined);
    navigate('/sign-in');
  };
  const staff = isStaff(session);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">ordersource</span>
        <nav aria-label="Console">
          <ul>
            {NAV.filter((item) => staff || !item.staff).map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={where.path === item.href || where.path.startsWith(`${item.href}/`) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          <span class="badge badge-role">{session.role}</span>
          <button type="button" class="link-button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        <PageBoundary key={where.href}>
          <Routes path={where.path} query={where.query} />
        </PageBoundary>
      </main>
    </>
  );
}

/** A page that fails to draw says so (and the header stays usable) instead of blanking the console. */
function PageBoundary({ children }: { children: ComponentChildren }) {
  const [error] = useErrorBoundary();
  if (error) {
    return (
      <div class="notice notice-error" role="alert">
        This page failed to draw: {error instanceof Error ? error.message : String(error)}. Reload, or go back.
      </div>
    );
  }
  return <>{children}</>;
}

function Routes({ path, query }: { path: string; query: URLSearchParams }) {
  if (path === '/orders' || path === '/') return <OrdersPage query={query} />;
  const order = matchPath('/orders/:orderId', path);
  if (order) return <OrderPage orderId={order.orderId} query={query} />;
  if (path === '/events') return <EventsPage query={query} />;
  if (path === '/analytics') return <AnalyticsPage query={query} />;
  if (path === '/alerts') return <AlertsPage query={query} />;
  if (path === '/operations') return <OperationsPage />;
  return (
    <>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        There is no page at <code>{path}</code>. <Link href="/orders">Go to the orders</Link>.
      </p>
    </>
  );
}
