// commander's parser for a repeatable flag (--reviewer a --reviewer b): every value given, in order.
export const collect = (value: string, list: string[] = []) => [...list, value];
