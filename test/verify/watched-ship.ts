// A ship fixture whose production is watched: a P0 with automatic rollback, one scraped error-rate
// metric on a fixture service whose traffic the test sets. Each test stops what it started.

import { afterEach } from "vitest";
import { commandDeploy, makeShipFixture, type ShipFixture } from "../ship/fixture.js";
import { startApp, type FixtureApp } from "./fixture-app.js";

export interface WatchedShip {
  f: ShipFixture;
  app: FixtureApp;
}

const config = (url: string, s: { intervalSeconds: number; baselineSeconds: number; baselineMaxSeconds: number }) => `verify:
  baseUrl: { production: "${url}" }
  warmupSeconds: 1
  intervalSeconds: ${s.intervalSeconds}
  baselineSeconds: ${s.baselineSeconds}
  baselineMaxSeconds: ${s.baselineMaxSeconds}
  windowMinutes: 1
  autoRollback: { P0: true }
  metrics:
    - { name: error rate, source: scrape, url: /metrics, bad: 'app_requests_total{status="500"}', total: app_requests_total }
`;

/** Registers the cleanup; call once at the top of a test file. */
export function watchedShips(): (o: {
  rate: number;
  intervalSeconds?: number;
  baselineSeconds?: number;
  baselineMaxSeconds?: number;
}) => Promise<WatchedShip> {
  let current: WatchedShip | undefined;
  afterEach(async () => {
    current?.f.cleanup();
    await current?.app.close();
    current = undefined;
  });
  return async (o) => {
    const app = await startApp({ rate: o.rate, errorFraction: 0.01 });
    const settings = {
      intervalSeconds: o.intervalSeconds ?? 0.5,
      baselineSeconds: o.baselineSeconds ?? 2,
      baselineMaxSeconds: o.baselineMaxSeconds ?? 3,
    };
    try {
      const f = await makeShipFixture({ priority: "P0", config: (svc) => commandDeploy(svc) + config(app.url, settings) });
      current = { f, app };
      return current;
    } catch (e) {
      await app.close();
      throw e;
    }
  };
}
