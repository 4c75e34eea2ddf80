// Where the action writes for people: the step's log (the CLI's Output satisfies it).
export interface ActionLog {
  line(text: string): void;
  info(text: string): void;
  warn(text: string): void;
}
