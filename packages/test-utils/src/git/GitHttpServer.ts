import { spawn, execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Basic-auth credentials a {@link GitHttpServer} may require. @public */
export interface GitHttpServerAuth {
  username: string;
  password: string;
}

/** One request the server answered, for assertions. @public */
export interface GitHttpRequestLog {
  method: string;
  path: string;
  status: number;
  /** the Basic-auth user name the client sent, if any */
  user?: string;
}

/**
 * A real Git server for tests: bare repositories in a temp folder, served by
 * `git http-backend` (spawned as a CGI program per request) from a
 * `node:http` server on 127.0.0.1 with a random port. Pushes are enabled.
 * With `auth`, every request needs those Basic-auth credentials (401 and a
 * `WWW-Authenticate` challenge otherwise), as a hosted Git server would.
 * @public
 */
export class GitHttpServer {
  readonly root: string;
  readonly baseUrl: string;
  readonly requests: GitHttpRequestLog[] = [];
  readonly #server: http.Server;
  readonly #auth?: GitHttpServerAuth;

  static async start(options: { auth?: GitHttpServerAuth } = {}): Promise<GitHttpServer> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-git-server-'));
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new GitHttpServer(root, `http://127.0.0.1:${port}`, server, options.auth);
  }

  private constructor(root: string, baseUrl: string, server: http.Server, auth?: GitHttpServerAuth) {
    this.root = root;
    this.baseUrl = baseUrl;
    this.#server = server;
    this.#auth = auth;
    server.on('request', (req, res) => this.#handle(req, res));
  }

  /** The clone URL of a repository (without credentials). */
  url(name: string): string {
    return `${this.baseUrl}/${name}.git`;
  }

  /** The clone URL with the server's credentials in it, for the git CLI. */
  authenticatedUrl(name: string): string {
    if (!this.#auth) return this.url(name);
    const u = new URL(this.url(name));
    u.username = encodeURIComponent(this.#auth.username);
    u.password = encodeURIComponent(this.#auth.password);
    return u.toString();
  }

  /** Creates an empty bare repository that accepts pushes; returns its clone URL. */
  async createRepo(name: string, options: { defaultBranch?: string } = {}): Promise<string> {
    const dir = this.repoPath(name);
    await execFileAsync('git', ['init', '--quiet', '--bare', `--initial-branch=${options.defaultBranch ?? 'main'}`, dir]);
    await execFileAsync('git', ['-C', dir, 'config', 'http.receivepack', 'true']);
    return this.url(name);
  }

  /** The folder of a bare repository. */
  repoPath(name: string): string {
    return path.join(this.root, `${name}.git`);
  }

  /**
   * Takes the server down, as an outage would: it stops listening (clients
   * get ECONNREFUSED) and drops open connections. The repositories are
   * kept; {@link GitHttpServer.resume} brings it back on the same port.
   */
  async suspend(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>(resolve => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Listens again on the port it had, after {@link GitHttpServer.suspend}. */
  async resume(): Promise<void> {
    if (this.#server.listening) return;
    const port = Number(new URL(this.baseUrl).port);
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
    await fs.rm(this.root, { recursive: true, force: true });
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const log = (status: number, user?: string) =>
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, status, user });

    let user: string | undefined;
    if (this.#auth) {
      const header = req.headers.authorization ?? '';
      const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
      const sep = decoded.indexOf(':');
      user = sep >= 0 ? decoded.slice(0, sep) : undefined;
      if (user !== this.#auth.username || decoded.slice(sep + 1) !== this.#auth.password) {
        log(401, user);
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="nestor-test"' }).end('authentication required');
        return;
      }
    }

    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        HOME: this.root,
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        ...(user ? { REMOTE_USER: user } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      },
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});

    let head = Buffer.alloc(0);
    let headersDone = false;
    const stderr: Buffer[] = [];
    child.stderr.on('data', chunk => stderr.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sepLength = end === crlf ? 4 : 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      headersDone = true;
      log(status, user);
      res.writeHead(status, headers);
      res.write(head.subarray(end + sepLength));
    });
    child.on('close', code => {
      if (!headersDone) {
        log(500, user);
        res.writeHead(500).end(`git http-backend exited with ${code}: ${Buffer.concat(stderr).toString('utf8')}`);
        return;
      }
      res.end();
    });
  }
}
