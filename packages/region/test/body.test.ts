import { describe, expect, test } from "vitest";
import { headerParam, parseBoolean, parseMultipart, parseUrlEncoded } from "../src/body.ts";
import { RegionError } from "../src/errors.ts";
import { pythonCliMultipart } from "./helpers/api.ts";

describe("parseMultipart", () => {
  test("decodes the base64 text parts MAAS's Python CLI sends", () => {
    const { body, contentType } = pythonCliMultipart([
      ["enable_hw_sync", "true"],
      ["user_data", "I2Nsb3VkLWNvbmZpZwo="],
      ["comment", "ünïcode = fine"],
    ]);
    const { fields, files } = parseMultipart(Buffer.from(body), contentType);
    expect({ ...fields }).toEqual({
      enable_hw_sync: "true",
      user_data: "I2Nsb3VkLWNvbmZpZwo=",
      comment: "ünïcode = fine",
    });
    expect(files).toEqual([]);
  });

  test("reads plain parts, repeated fields and file parts with CRLF line ends", () => {
    const body = [
      "--XyZ",
      'Content-Disposition: form-data; name="mac_addresses"',
      "",
      "52:54:00:00:00:01",
      "--XyZ",
      'Content-Disposition: form-data; name="mac_addresses"',
      "",
      "52:54:00:00:00:02",
      "--XyZ",
      'Content-Disposition: form-data; name="result"; filename="50-maas-01-commissioning.out"',
      "Content-Type: application/json",
      "",
      '{"a":1}\r\ntext -- XyZ --XyZ not at a line start',
      "--XyZ--",
      "",
    ].join("\r\n");
    const { fields, files } = parseMultipart(Buffer.from(body), "multipart/form-data; boundary=XyZ");
    expect(fields.mac_addresses).toEqual(["52:54:00:00:00:01", "52:54:00:00:00:02"]);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      field: "result",
      filename: "50-maas-01-commissioning.out",
      contentType: "application/json",
    });
    expect(files[0]!.data.toString()).toBe('{"a":1}\r\ntext -- XyZ --XyZ not at a line start');
  });

  test("accepts bare LF line ends and a preamble", () => {
    const body = 'preamble text\n--b\nContent-Disposition: form-data; name="op"\n\nsignal\n--b--\n';
    expect(parseMultipart(Buffer.from(body), "multipart/form-data; boundary=b").fields.op).toBe("signal");
  });

  test("keeps binary file content byte for byte", () => {
    const payload = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const body = Buffer.concat([
      Buffer.from('--bin\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n'),
      payload,
      Buffer.from("\r\n--bin--\r\n"),
    ]);
    expect(parseMultipart(body, "multipart/form-data; boundary=bin").files[0]!.data).toEqual(payload);
  });

  test.each([
    ["no boundary parameter", "multipart/form-data", "--a\r\n\r\nx\r\n--a--", /without a boundary/],
    [
      "boundary missing from the body",
      "multipart/form-data; boundary=zz",
      "hello",
      /does not contain its boundary/,
    ],
    [
      "no closing boundary",
      "multipart/form-data; boundary=a",
      '--a\r\nContent-Disposition: form-data; name="x"\r\n\r\nv',
      /closing boundary/,
    ],
    [
      "a part without a name",
      "multipart/form-data; boundary=a",
      "--a\r\nContent-Disposition: form-data\r\n\r\nv\r\n--a--",
      /without a name/,
    ],
    [
      "a base64 part that is not base64",
      "multipart/form-data; boundary=a",
      '--a\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: form-data; name="x"\r\n\r\n!!!\r\n--a--',
      /not base64/,
    ],
    [
      "a malformed header line",
      "multipart/form-data; boundary=a",
      "--a\r\nnot a header\r\n\r\nv\r\n--a--",
      /malformed header/,
    ],
  ])("refuses %s with a 400 that says what is wrong", (_case, contentType, body, message) => {
    let caught: unknown;
    try {
      parseMultipart(Buffer.from(body), contentType);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RegionError);
    expect((caught as RegionError).status).toBe(400);
    expect((caught as RegionError).message).toMatch(message);
  });

  test("refuses more than 1000 parts", () => {
    const body = `${'--a\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n'.repeat(1001)}--a--`;
    expect(() => parseMultipart(Buffer.from(body), "multipart/form-data; boundary=a")).toThrow(
      /Too many form fields/,
    );
  });
});

describe("form helpers", () => {
  test("parseUrlEncoded keeps repeated keys in order and tolerates bad escapes", () => {
    const form = parseUrlEncoded("hostname=a&hostname=b&x=%ZZ&sp=a+b");
    expect({ ...form }).toEqual({ hostname: ["a", "b"], x: "%ZZ", sp: "a b" });
  });

  test("parseUrlEncoded cannot be tricked into setting the prototype", () => {
    const form = parseUrlEncoded("__proto__=x&constructor=y");
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(Object.entries(form)).toEqual([
      ["__proto__", "x"],
      ["constructor", "y"],
    ]);
  });

  test.each([
    ['form-data; name="a"; filename="b c.txt"', "filename", "b c.txt"],
    ["form-data; name=plain", "name", "plain"],
    ['form-data; name="q\\"uote"', "name", 'q"uote'],
    ['multipart/form-data; boundary="===============123=="', "boundary", "===============123=="],
    ["form-data; filename=x", "name", undefined],
  ])("headerParam(%s, %s) is %s", (header, name, expected) => {
    expect(headerParam(header, name)).toBe(expected);
  });

  test.each([
    ["true", true],
    ["T", true],
    ["yes", true],
    ["Y", true],
    ["on", true],
    ["1", true],
    ["FALSE", false],
    ["f", false],
    ["no", false],
    ["n", false],
    ["off", false],
    ["0", false],
    ["maybe", undefined],
    ["", undefined],
  ])("parseBoolean(%s) is %s, as MAAS reads booleans", (text, expected) => {
    expect(parseBoolean(text)).toBe(expected);
  });
});
