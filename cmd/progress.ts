/** One live status line on a terminal (stderr), redrawn in place; nothing at all when not a TTY. */
export class Progress {
  private timer?: NodeJS.Timeout;
  private drawn = false;

  constructor(private readonly enabled: boolean, private readonly intervalMs = 250) {}

  start(line: () => string): void {
    if (!this.enabled || this.timer) return;
    const draw = () => {
      const cols = process.stderr.columns || 120;
      process.stderr.write('\r\x1b[K' + line().slice(0, cols - 1));
      this.drawn = true;
    };
    draw();
    this.timer = setInterval(draw, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}
