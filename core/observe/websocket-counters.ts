/** Process-wide WebSocket counters (GET /metrics): the gateway counts, the metrics service renders. */
export class WebSocketCounters {
  /** Connections open now. */
  open = 0;
  /** Connections accepted since start. */
  accepted = 0;
  /** Connections the platform closed because a limit was crossed, by limit. */
  readonly limitCloses = { messageSize: 0, messageRate: 0, byteRate: 0, backpressure: 0, sendWindow: 0 };
}
