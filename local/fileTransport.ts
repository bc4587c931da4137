/**
 * The local stack's stand-in for SES and SNS (DESIGN §7): every message (the operators' alerts too, channel `alert`)
 * becomes one JSON line of the outbox file,
 * `{at, channel, to, subject?, body, code?}`, and a one-line summary on the console that never shows the body or a code.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '../functions/core/clock.js';
import type { MessageTransport, RenderedMessage } from '../functions/core/ports.js';
import type { OutboxChannel, OutboxItem } from '../functions/core/store.js';

export interface OutboxLine {
  at: string;
  channel: OutboxChannel;
  to: string;
  subject?: string;
  body: string;
  code?: string;
}

export class FileTransport implements MessageTransport {
  /** The outbox file's directory, made once: it is the data directory, which outlives the stack. */
  private directoryMade: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly log: (line: string) => void = console.log,
    private readonly clock: Clock = systemClock,
  ) {}

  async send(message: RenderedMessage, item: OutboxItem): Promise<void> {
    const line: OutboxLine = {
      at: new Date(this.clock.now()).toISOString(),
      channel: message.channel,
      to: message.to,
      ...(message.subject === undefined ? {} : { subject: message.subject }),
      body: message.body,
      ...(item.params.code === undefined ? {} : { code: item.params.code }),
    };
    this.directoryMade ??= mkdir(dirname(this.path), { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        this.directoryMade = undefined;
        throw error;
      },
    );
    await this.directoryMade;
    // One appendFile call per line: O_APPEND keeps lines of parallel sends whole, and the promise settles only once the
    // line is written, so a test reading the file after the response finds it.
    await appendFile(this.path, `${JSON.stringify(line)}\n`, 'utf8');
    // The subject stays out as well: a code template may one day put the code there.
    this.log(`outbox: ${message.channel} to ${message.to} (${item.template}, item ${item.id})`);
  }
}
