/**
 * Each crash the chaos harness injects (and each answer the sandbox cuts off mid-way) makes workerd print an "uncaught exception ... injected crash"
 * line and a "stack:" line after it (the output gate breaks, as it should); a full run injects
 * thousands. Miniflare hands workerd's output, line by line, to the Vitest plugin, which writes it to
 * this process's stdout or stderr: this drops exactly those lines, and nothing else, for `npm run chaos`.
 */
export function muteInjectedCrashNoise(...markers: string[]): void {
	let droppedCrash = false;
	for (const stream of [process.stdout, process.stderr]) {
		const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
		stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
			const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
			const crashLine = markers.some((marker) => text.includes(marker)) && /uncaught exception|exception = /.test(text);
			const itsStack = droppedCrash && text.startsWith("stack: ");
			droppedCrash = crashLine;
			if (crashLine || itsStack) return true;
			return write(chunk, ...rest);
		}) as typeof stream.write;
	}
}
