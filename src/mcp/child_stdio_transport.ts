/**
 * A client {@linkcode Transport} that starts an MCP server as a child process
 * (`Deno.Command`) and speaks newline-delimited JSON-RPC on its stdin/stdout.
 * Ours rather than the SDK's `StdioClientTransport`, which resolves commands
 * through a library that reads environment variables when it is loaded, so
 * every asterisk command would need `--allow-env`.
 *
 * @module
 */
import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import {
  ReadBuffer,
  serializeMessage,
} from "@modelcontextprotocol/sdk/shared/stdio.js";
import { Buffer } from "node:buffer";

/** Options of {@linkcode ChildStdioTransport}. */
export interface ChildStdioOptions {
  /** Program to run. */
  readonly command: string;
  /** Its arguments. */
  readonly args?: readonly string[];
  /**
   * What the child's stderr does.
   *
   * @default {"inherit"}
   */
  readonly stderr?: "inherit" | "null";
}

/** Runs an MCP server as a child and connects to its stdio. */
export class ChildStdioTransport implements Transport {
  readonly #options: ChildStdioOptions;
  #child: Deno.ChildProcess | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #closed = false;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** Creates a transport; {@linkcode start} runs the child. */
  constructor(options: ChildStdioOptions) {
    this.#options = options;
  }

  /** Starts the child and reads its messages. */
  start(): Promise<void> {
    const child = new Deno.Command(this.#options.command, {
      args: [...(this.#options.args ?? [])],
      stdin: "piped",
      stdout: "piped",
      stderr: this.#options.stderr ?? "inherit",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    void this.#read(child.stdout);
    return Promise.resolve();
  }

  async #read(stdout: ReadableStream<Uint8Array>): Promise<void> {
    const buffer = new ReadBuffer();
    try {
      for await (const chunk of stdout) {
        buffer.append(Buffer.from(chunk));
        for (
          let m = buffer.readMessage();
          m !== null;
          m = buffer.readMessage()
        ) {
          this.onmessage?.(m);
        }
      }
    } catch (error) {
      if (!this.#closed) this.onerror?.(error as Error);
    }
    await this.close();
  }

  /** Writes one message to the child. */
  async send(
    message: JSONRPCMessage,
    _options?: TransportSendOptions,
  ): Promise<void> {
    if (this.#writer === undefined) {
      throw new Error(
        "Cannot send on a child stdio transport that is not started",
      );
    }
    await this.#writer.write(
      new TextEncoder().encode(serializeMessage(message)),
    );
  }

  /** Closes the child's stdin and waits for it to exit. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The child may already have closed its end; nothing is left to flush.
    await this.#writer?.close().catch(() => {});
    await this.#child?.status;
    this.onclose?.();
  }
}
