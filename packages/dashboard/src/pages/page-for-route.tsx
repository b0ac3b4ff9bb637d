import type { Route } from '../router.ts';
import { EndpointPage } from './endpoint.tsx';
import { EndpointsPage } from './endpoints.tsx';
import { EventTypesPage } from './event-types.tsx';
import { MessagePage } from './message.tsx';
import { MessagesPage } from './messages.tsx';
import { NotFoundPage } from './not-found.tsx';
import { OverviewPage } from './overview.tsx';
import { SourcePage } from './source.tsx';
import { SourcesPage } from './sources.tsx';

/** Every page and its hash route; `#/` is the overview. A detail page gets the id from its route. */
export function PageForRoute({ route }: { route: Route }) {
  const [section, id, ...rest] = route.segments;
  if (rest.length > 0) return <NotFoundPage path={route.path} />;
  switch (section) {
    case undefined:
      return <OverviewPage route={route} />;
    case 'messages':
      return id === undefined ? <MessagesPage route={route} /> : <MessagePage id={id} route={route} />;
    case 'endpoints':
      return id === undefined ? <EndpointsPage route={route} /> : <EndpointPage id={id} route={route} />;
    case 'sources':
      return id === undefined ? <SourcesPage route={route} /> : <SourcePage id={id} route={route} />;
    case 'event-types':
      return id === undefined ? <EventTypesPage route={route} /> : <NotFoundPage path={route.path} />;
    default:
      return <NotFoundPage path={route.path} />;
  }
}

const TITLES: Record<string, string> = {
  messages: 'Messages',
  endpoints: 'Endpoints',
  sources: 'Sources',
  'event-types': 'Event types',
};

/** The document title of a route, so tabs and history entries are told apart. */
export function titleOf(route: Route): string {
  const [section, id] = route.segments;
  const base = section === undefined ? 'Overview' : (TITLES[section] ?? 'Not found');
  return `${id === undefined ? base : `${id} · ${base}`} · Hookline`;
}
