/**
 * A downstream that answers what no well-behaved service would: the sandbox's faults always send
 * `{ code: "fault_injected" }`, so a test that needs another answer (a 300 KB code, a URL in the code)
 * puts this one in front of it. The order's object runs in the tests' isolate, so its calls come here
 * first; only calls for `orderId` to a path ending in `path` are answered, everything else goes on to
 * the sandbox as usual. Returns the way back.
 */
export function answerFor(orderId: string, path: string, answer: () => Response): () => void {
	const real = globalThis.fetch;
	globalThis.fetch = async (input, init) => {
		const request = new Request(input, init);
		const body = request.method === "POST" ? await request.clone().text() : "";
		if (new URL(request.url).pathname.endsWith(path) && body.includes(`"orderId":"${orderId}"`)) return answer();
		return real(request);
	};
	return () => {
		globalThis.fetch = real;
	};
}
