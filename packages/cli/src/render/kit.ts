// What renderers get from Output. Types only, so renderers and Output depend on this module and
// not on each other (Output loads the renderers lazily).

/** The few colours the renderers use; identity functions when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** What a renderer gets: colours and a table builder, both loaded only when a table is printed. */
export interface RenderKit {
  style: Style;
  /** Borderless aligned columns with a bold header row. */
  table(head: string[], rows: string[][]): string;
  now: Date;
}

export type Renderer<T> = (value: T, kit: RenderKit) => string;
