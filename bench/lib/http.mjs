import http from "node:http";

/**
 * JSON over HTTP/1.1 with keep-alive, on node:http rather than fetch: the load generator shares the
 * machine's two cores with the systems it measures, and fetch cost it about three times the CPU
 * per request.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/**
 * A keep-alive socket the server closed just as a request was written to it fails with ECONNRESET
 * before the server read anything: that request is sent again, once, on a new socket (Node's own advice
 * for `reusedSocket`). Every request here is safe to repeat: reads, and placements under their order id.
 */
export async function requestJson(method, url, options = {}) {
	try {
		return await requestOnce(method, url, options);
	} catch (error) {
		if (!error.reusedSocket || error.code !== "ECONNRESET") throw error;
		return requestOnce(method, url, options);
	}
}

function requestOnce(method, url, { body, headers = {}, timeoutMs = 30_000 } = {}) {
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method,
				agent,
				headers:
					payload === undefined
						? headers
						: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) },
				timeout: timeoutMs,
			},
			(response) => {
				const chunks = [];
				response.on("data", (chunk) => chunks.push(chunk));
				response.on("error", reject);
				response.on("end", () => {
					const text = Buffer.concat(chunks).toString("utf8");
					let parsed = null;
					try {
						parsed = text === "" ? null : JSON.parse(text);
					} catch {
						parsed = null;
					}
					resolve({ status: response.statusCode, body: parsed });
				});
			},
		);
		request.on("timeout", () => request.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
		request.on("error", (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
		request.end(payload);
	});
}
