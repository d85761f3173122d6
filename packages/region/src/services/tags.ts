import { ErrorCode, HwsError } from "@hwsync/shared";

/*
 * Automatic tags: a tag whose `definition` is set is attached to every machine whose stored
 * hardware satisfies it, re-evaluated after each sync that changed something (same transaction).
 *
 * Grammar (whitespace between tokens is free):
 *
 *   definition := or
 *   or         := and ( "|" and )*
 *   and        := unary ( "&" unary )*
 *   unary      := "!" unary | "(" or ")" | atom
 *   atom       := collection [ "[" condition ( "," condition )* "]" ]
 *               | condition                       -- on the machine itself
 *   condition  := field [ op value ]              -- a field alone: set and not false/0/""
 *   op         := "=" | "!=" | ">" | ">=" | "<" | "<=" | "~"
 *   value      := bare-word | "double-quoted string"
 *   collection := block_devices | interfaces | pci_devices | usb_devices
 *
 * `collection[...]` holds when at least one device meets every condition; a bare collection
 * holds when the machine has any such device. Fields are the snake_case column names of the
 * device tables (plus keys of their `details`, e.g. `vid`); machine fields are cpu_count,
 * cpu_model, cpu_speed, memory (MiB), architecture, osystem, distro_series, hardware_uuid and the
 * system_info keys (system_vendor, system_product, chassis_type, …). Numbers compare as numbers;
 * text compares case-insensitively; `~` means "contains"; a list field (tags, addresses) holds
 * when any element does. Examples:
 *
 *   pci_devices[vendor_id=10de]                    an NVIDIA device
 *   interfaces[sriov_max_vf>0]                     an SR-IOV capable NIC
 *   block_devices[type=nvme, size>=1000000000000]  an NVMe disk of 1 TB or more
 *   memory>=262144 & !usb_devices                  256 GiB of RAM and no USB device
 *   system_vendor~dell | system_vendor~"hewlett packard"
 */

const TAG_COLLECTIONS = ["block_devices", "interfaces", "pci_devices", "usb_devices"] as const;
type Collection = (typeof TAG_COLLECTIONS)[number];
type Op = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~";

interface Condition {
  field: string;
  op?: Op;
  value?: string;
}

export type TagExpr =
  | { kind: "or" | "and"; items: TagExpr[] }
  | { kind: "not"; item: TagExpr }
  | { kind: "devices"; collection: Collection; conditions: Condition[] }
  | { kind: "machine"; condition: Condition };

/** What a definition is evaluated against: snake_case records. */
export interface TagSubject {
  machine: Record<string, unknown>;
  block_devices: Array<Record<string, unknown>>;
  interfaces: Array<Record<string, unknown>>;
  pci_devices: Array<Record<string, unknown>>;
  usb_devices: Array<Record<string, unknown>>;
}

const OPS: Op[] = ["!=", ">=", "<=", "=", ">", "<", "~"];
const FIELD = /[a-z_][a-z0-9_]*/iy;
const BARE = /[^\s,\]&|()"]+/y;

class Parser {
  private pos = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  parse(): TagExpr {
    const expr = this.or();
    this.space();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text[this.pos]}'`);
    return expr;
  }

  private fail(what: string): never {
    throw new HwsError(
      ErrorCode.VALIDATION_FAILED,
      `Invalid tag definition at character ${this.pos + 1}: ${what} in '${this.text}'. ` +
        "Use e.g. pci_devices[vendor_id=10de] or interfaces[sriov_max_vf>0] & memory>=65536.",
    );
  }

  private space(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private eat(token: string): boolean {
    this.space();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private or(): TagExpr {
    const items = [this.and()];
    while (this.eat("|")) items.push(this.and());
    return items.length === 1 ? items[0]! : { kind: "or", items };
  }

  private and(): TagExpr {
    const items = [this.unary()];
    while (this.eat("&")) items.push(this.unary());
    return items.length === 1 ? items[0]! : { kind: "and", items };
  }

  private unary(): TagExpr {
    if (this.eat("!")) return { kind: "not", item: this.unary() };
    if (this.eat("(")) {
      const inner = this.or();
      if (!this.eat(")")) this.fail("expected ')'");
      return inner;
    }
    const field = this.field();
    if ((TAG_COLLECTIONS as readonly string[]).includes(field)) {
      const conditions: Condition[] = [];
      if (this.eat("[")) {
        do conditions.push(this.condition(this.field()));
        while (this.eat(","));
        if (!this.eat("]")) this.fail("expected ']' or ','");
      }
      return { kind: "devices", collection: field as Collection, conditions };
    }
    return { kind: "machine", condition: this.condition(field) };
  }

  private field(): string {
    this.space();
    FIELD.lastIndex = this.pos;
    const match = FIELD.exec(this.text);
    if (!match) this.fail("expected a field or collection name");
    this.pos = FIELD.lastIndex;
    return match[0].toLowerCase();
  }

  private condition(field: string): Condition {
    this.space();
    const op = OPS.find((candidate) => this.text.startsWith(candidate, this.pos));
    if (!op) return { field };
    this.pos += op.length;
    return { field, op, value: this.value() };
  }

  private value(): string {
    this.space();
    if (this.text[this.pos] === '"') {
      const end = this.text.indexOf('"', this.pos + 1);
      if (end < 0) this.fail("unterminated quoted value");
      const value = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return value;
    }
    BARE.lastIndex = this.pos;
    const match = BARE.exec(this.text);
    if (!match) this.fail("expected a value");
    this.pos = BARE.lastIndex;
    return match[0];
  }
}

const cache = new Map<string, TagExpr>();
const CACHE_LIMIT = 1000;

/** Parses a definition; throws HWS_VALIDATION_FAILED naming the position of the problem. */
export function parseTagDefinition(definition: string): TagExpr {
  const cached = cache.get(definition);
  if (cached) return cached;
  const expr = new Parser(definition).parse();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(definition, expr);
  return expr;
}

function truthy(value: unknown): boolean {
  return !(value === null || value === undefined || value === false || value === 0 || value === "");
}

function compare(actual: unknown, op: Op, expected: string): boolean {
  if (Array.isArray(actual)) return actual.some((item) => compare(item, op, expected));
  if (actual === null || actual === undefined) return op === "!=";
  const number = Number(expected);
  if (
    (typeof actual === "number" || typeof actual === "boolean") &&
    expected.trim() !== "" &&
    !Number.isNaN(number)
  ) {
    const left = Number(actual);
    switch (op) {
      case "=":
        return left === number;
      case "!=":
        return left !== number;
      case ">":
        return left > number;
      case ">=":
        return left >= number;
      case "<":
        return left < number;
      case "<=":
        return left <= number;
      case "~":
        return String(actual).includes(expected);
    }
  }
  const left = String(actual).toLowerCase();
  const right = expected.toLowerCase();
  switch (op) {
    case "=":
      return left === right;
    case "!=":
      return left !== right;
    case "~":
      return left.includes(right);
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
  }
}

function holds(record: Record<string, unknown>, condition: Condition): boolean {
  const actual = record[condition.field];
  if (!condition.op) return Array.isArray(actual) ? actual.length > 0 : truthy(actual);
  return compare(actual, condition.op, condition.value ?? "");
}

export function evaluateTag(expr: TagExpr, subject: TagSubject): boolean {
  switch (expr.kind) {
    case "or":
      return expr.items.some((item) => evaluateTag(item, subject));
    case "and":
      return expr.items.every((item) => evaluateTag(item, subject));
    case "not":
      return !evaluateTag(expr.item, subject);
    case "devices":
      return subject[expr.collection].some((row) => expr.conditions.every((c) => holds(row, c)));
    case "machine":
      return holds(subject.machine, expr.condition);
  }
}

export interface TagPlan {
  attach: number[];
  detach: number[];
}

/** Which defined tags to attach or detach. Definitions that do not parse match nothing. */
export function planTags(
  tags: Array<{ id: number; definition: string; attached: boolean }>,
  subject: TagSubject,
): TagPlan {
  const plan: TagPlan = { attach: [], detach: [] };
  for (const tag of tags) {
    let matches = false;
    try {
      matches = evaluateTag(parseTagDefinition(tag.definition), subject);
    } catch {
      matches = false;
    }
    if (matches && !tag.attached) plan.attach.push(tag.id);
    if (!matches && tag.attached) plan.detach.push(tag.id);
  }
  return plan;
}
