import { createTransport, type Transporter } from 'nodemailer';
import type { ContactChannel } from '@stac/domain';

export interface OutboundMessage {
  to: { email?: string; phone?: string };
  subject: string;
  body: string;
}

/** One delivery channel behind the outbound-communication port. */
export interface MessageTransport {
  readonly channel: ContactChannel;
  send(message: OutboundMessage): Promise<{ messageId: string }>;
}

/** Email over SMTP (nodemailer); the server comes from SMTP_URL. */
export class SmtpEmailTransport implements MessageTransport {
  readonly channel = 'EMAIL' as const;
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // Short timeouts: a stuck mail server answers the advocate with an error, not a hang.
    this.transporter = createTransport(url, { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10000 });
  }

  async send(m: OutboundMessage): Promise<{ messageId: string }> {
    if (!m.to.email) throw new Error('no email address');
    const info = await this.transporter.sendMail({ from: this.from, to: m.to.email, subject: m.subject, text: m.body });
    return { messageId: String(info.messageId) };
  }
}

/** The transports this deployment has; a channel without one cannot be used (SMS, phone and letters are other ports). */
export class MessageTransports {
  private readonly byChannel = new Map<ContactChannel, MessageTransport>();

  constructor(transports: MessageTransport[]) {
    for (const t of transports) this.byChannel.set(t.channel, t);
  }

  for(channel: ContactChannel): MessageTransport | undefined {
    return this.byChannel.get(channel);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): MessageTransports {
    const smtp = env.SMTP_URL ?? '';
    return new MessageTransports(smtp ? [new SmtpEmailTransport(smtp, env.MAIL_FROM || 'isac@advocacy.invalid')] : []);
  }
}
