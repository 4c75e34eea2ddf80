// The time every record and deadline is written with: the system clock, or FIREBREAK_NOW in tests and the demo.

export interface Clock {
  now(): Date;
}
