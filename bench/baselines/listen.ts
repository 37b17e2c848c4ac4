import type { Express } from 'express';

/**
 * Serves a baseline app on a free port, announces it the way `ledger serve` does (serverProcess.ts reads the
 * line), and closes on SIGTERM, dropping the load generator's idle keep-alive connections.
 */
export const listen = (app: Express, name: string, onClose: () => void = () => undefined): void => {
  const server = app.listen(0, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${name} listening on http://localhost:${port}\n`);
  });
  process.once('SIGTERM', () => {
    server.close(onClose);
    server.closeAllConnections();
  });
};
