import { createServer, connect } from 'node:net';

/**
 * A tiny HTTP CONNECT proxy standing in for cluster DNS + the `kubernetes` Service: an operator
 * that runs outside the cluster (here, on loopback) reaches `https://kubernetes.default.svc` as a
 * pod would. Operators get it through HTTPS_PROXY; Go never proxies loopback, so their own
 * kubeconfig connection is direct. Only the mapped host:port pairs are tunnelled; anything else
 * (e.g. `<grafana>-service.<ns>.svc:3000`, which has no server here) is answered 502.
 *
 * Usage: node service-proxy.js PORT HOST:PORT=127.0.0.1:PORT...
 */
function main(argv: string[]): void {
  const [listen, ...maps] = argv;
  const routes = new Map<string, { host: string; port: number }>();
  for (const m of maps) {
    const [from, to] = m.split('=');
    const [host, port] = to.split(':');
    routes.set(from, { host, port: Number(port) });
  }
  const server = createServer((client) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [method, target] = head.split(' ');
      const route = method === 'CONNECT' ? routes.get(target) : undefined;
      if (!route) {
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
        return;
      }
      const upstream = connect(route.port, route.host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) upstream.write(rest);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  });
  server.listen(Number(listen), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

main(process.argv.slice(2));
