import type { EventsTable } from '../store/tables';

/** A message as live views see it (widget, agent workspace). */
export interface LiveMessage {
  id: string;
  conversationId: string;
  customerKey: string;
  type: string;
  actor: 'customer' | 'bot' | 'agent' | 'system';
  agentId?: string | null;
  kind?: string;
  text: string | null;
  at: number;
  quickReplies?: string[];
}

type Listener = (m: LiveMessage) => void;

/** In-process publish/subscribe by customer key: the SSE streams of this instance listen here. */
export class LiveHub {
  private readonly byCustomer = new Map<string, Set<Listener>>();
  private readonly everything = new Set<Listener>();

  subscribe(customerKey: string, listener: Listener): () => void {
    const set = this.byCustomer.get(customerKey) ?? new Set<Listener>();
    this.byCustomer.set(customerKey, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.byCustomer.delete(customerKey);
    };
  }

  subscribeAll(listener: Listener): () => void {
    this.everything.add(listener);
    return () => this.everything.delete(listener);
  }

  private readonly forwarders: Listener[] = [];

  /** Publish to this instance's listeners and to the other instances (see pg-bridge.ts). */
  publish(m: LiveMessage): void {
    this.deliverLocal(m);
    for (const f of this.forwarders) f(m);
  }

  /** A message from another instance: local listeners only. */
  deliverLocal(m: LiveMessage): void {
    for (const l of this.byCustomer.get(m.customerKey) ?? []) l(m);
    for (const l of this.everything) l(m);
  }

  onPublish(forward: Listener): void {
    this.forwarders.push(forward);
  }
}

/** The live view of a logged event. */
export function toLiveMessage(e: Omit<EventsTable, 'seq'>): LiveMessage {
  // A customer's message carries no reply kind or buttons: its data (the match explanation) is not read.
  const data =
    e.data && e.actor !== 'customer'
      ? (JSON.parse(e.data) as { kind?: string; quickReplies?: string[] })
      : {};
  return {
    id: e.id,
    conversationId: e.conversation_id,
    customerKey: e.customer_key,
    type: e.type,
    actor: e.actor,
    agentId: e.agent_id,
    text: e.text,
    at: e.at,
    ...(data.kind ? { kind: data.kind } : {}),
    ...(data.quickReplies ? { quickReplies: data.quickReplies } : {}),
  };
}
