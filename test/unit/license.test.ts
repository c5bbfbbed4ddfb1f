import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/api/app";

// The files as the checkout has them, read at build time by Vite (the test runs in workerd, which has no file system).
const files = import.meta.glob<string>(["../../LICENSE-*", "../../package.json"], {
	query: "?raw",
	import: "default",
	eager: true,
});

describe("the licence", () => {
	it("is MIT OR Apache-2.0, said the same way in LICENSE files, package.json and the OpenAPI document", () => {
		expect(files["../../LICENSE-MIT"]).toMatch(/^MIT License\n\nCopyright \(c\)/);
		expect(files["../../LICENSE-MIT"]).toContain("Permission is hereby granted, free of charge");
		expect(files["../../LICENSE-APACHE"]).toMatch(/^Apache License\nVersion 2\.0, January 2004/);
		expect(files["../../LICENSE-APACHE"]).toContain("END OF TERMS AND CONDITIONS");
		const pkg = JSON.parse(files["../../package.json"] ?? "{}") as { license?: string };
		expect(pkg.license).toBe("MIT OR Apache-2.0");
		expect(openApiDocument().info.license).toEqual({ name: "MIT OR Apache-2.0", identifier: "MIT OR Apache-2.0" });
	});
});
