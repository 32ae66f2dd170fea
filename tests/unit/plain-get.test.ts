import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainGet, readResponse } from "@/lib/http/plain-get";

const raw = (s: string) => Buffer.from(s, "latin1");

describe("readResponse: the HTTP/1.1 a metrics endpoint answers", () => {
  it("a Content-Length body, its content type and status", () => {
    const r = readResponse(
      raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"),
      100,
    );
    expect(r).toEqual({ status: 200, contentType: "text/plain", body: "hello" });
  });

  it("a chunked body (what Go's server sends for a /metrics larger than its buffer), with extensions", () => {
    const r = readResponse(
      raw(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n",
      ),
      100,
    );
    expect(r.body).toBe("hello world");
  });

  it("a body that ends early is truncated, chunked or not", () => {
    expect(() => readResponse(raw("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"), 100)).toThrow(
      /truncated/,
    );
    expect(() =>
      readResponse(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"), 100),
    ).toThrow(/truncated/);
    expect(() => readResponse(raw("HTTP/1.1 200 OK\r\nContent-"), 100)).toThrow(/truncated/);
    expect(() => readResponse(raw(""), 100)).toThrow(/socket hang up/);
  });

  it("no length and no chunking: the body runs to the close", () => {
    expect(readResponse(raw("HTTP/1.0 200 OK\r\n\r\nall of it"), 100).body).toBe("all of it");
  });

  it("refuses what is not HTTP, a bad chunk size, and a body over the limit", () => {
    expect(() => readResponse(raw("SSH-2.0-OpenSSH\r\n\r\n"), 100)).toThrow(/not an HTTP response/);
    expect(() =>
      readResponse(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), 100),
    ).toThrow(/bad chunk size/);
    expect(() => readResponse(raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), 4)).toThrow(
      /4-byte limit/,
    );
  });
});

describe("plainGet against Node's own HTTP server", () => {
  let server: http.Server;
  let port: number;
  const big = "coredns_cache_hits_total 1\n".repeat(4000);
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/chunked") {
        res.write(big.slice(0, 50_000));
        res.end(big.slice(50_000));
      } else if (req.url === "/missing") {
        res.writeHead(404);
        res.end("404 page not found\n");
      } else res.end(big);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reads the same body whether it came with a length or in chunks, and the status of a 404", async () => {
    const limits = { timeoutMs: 10_000, maxBytes: 1 << 20 };
    expect((await plainGet("127.0.0.1", port, "/metrics", limits)).body).toBe(big);
    expect((await plainGet("127.0.0.1", port, "/chunked", limits)).body).toBe(big);
    expect((await plainGet("127.0.0.1", port, "/missing", limits)).status).toBe(404);
  });

  it("a refused connection says so", async () => {
    await expect(plainGet("127.0.0.1", 1, "/metrics", { timeoutMs: 10_000, maxBytes: 100 })).rejects.toThrow(
      /connection refused by 127.0.0.1/,
    );
  });
});
