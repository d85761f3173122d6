// Region-API helpers on top of @hwsync/testkit, which runs the region itself (useTestRegion).
import type { TestRegion } from "@hwsync/testkit";
import { uniqueMac, uniqueName } from "@hwsync/testkit";

/** A multipart body exactly as MAAS's Python CLI builds it (email.mime, base64 text parts, CRLF). */
export function pythonCliMultipart(fields: Array<[string, string]>): { body: string; contentType: string } {
  const boundary = `===============${Date.now()}${Math.floor(Math.random() * 1e6)}==`;
  let body = "";
  for (const [name, value] of fields) {
    body += `--${boundary}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: form-data; name="${name}"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n${Buffer.from(value).toString("base64")}\r\n\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary="${boundary}"` };
}

/** Adds a Ready machine through the API (admin key) and returns its JSON. */
export async function addMachine(
  test: Pick<TestRegion, "admin">,
  form: Record<string, string> = {},
): Promise<Record<string, unknown> & { system_id: string; hostname: string }> {
  const hostname = form.hostname ?? uniqueName("m").replace(/_/g, "-");
  const response = await test.admin.post<Record<string, unknown> & { system_id: string; hostname: string }>(
    "machines/",
    undefined,
    { hostname, mac_addresses: uniqueMac(), ...form },
  );
  return response.body;
}
