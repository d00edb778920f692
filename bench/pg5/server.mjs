// B5: PostGraphile 5 (Grafast planner) on the bench database. Run with the Node 24 of this folder
// (bench/lib/pg5.ts installs it). The V4 preset over Amber keeps B4's names (allDwellings,
// residenceRegistrationsByDwellingId, ...) and B4's command-line options (simple collections
// both, indexes ignored, RBAC not ignored), so A, B4 and B5 answer the same queries; the
// connection-filter preset is the v5 release of the plugin B4 uses.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makeV4Preset } from 'postgraphile/presets/v4';
import { makePgService } from 'postgraphile/adaptors/pg';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';

const port = Number(process.env.PORT ?? 4005);
/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, makeV4Preset({ simpleCollections: 'both', ignoreIndexes: true, ignoreRBAC: false, graphiql: false }), PostGraphileConnectionFilterPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: 10 } })],
  grafserv: { port, host: '127.0.0.1', graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.once('listening', () => process.stderr.write(`B5 listening on ${port}\n`));
serv.addTo(server).catch((e) => {
  process.stderr.write(`B5 failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1');
const stop = () => void pgl.release().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
