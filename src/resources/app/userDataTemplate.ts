/**
 * User data whose text is fixed by the stack but which holds a few values known only at apply time (the load
 * balancer's URL): `{{name}}` placeholders filled from `values` by the launch-template handler.
 */
export interface UserDataInput {
  template: string;
  values: Record<string, string>;
}

export function renderTemplate(input: UserDataInput): string {
  const text = input.template.replace(/\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g, (whole, name: string) => {
    const value = input.values[name];
    if (value === undefined) throw new Error(`user data placeholder {{${name}}} has no value`);
    return value;
  });
  return text;
}

/**
 * The input as the diff should see it: the applied template and values when they still render to what AWS
 * holds, else the text AWS holds (an edit made outside morpheus-ws), which then differs from the desired input.
 */
export function userDataAsInput(actualText: string, lastApplied: UserDataInput | undefined): UserDataInput {
  if (lastApplied) {
    try {
      if (renderTemplate(lastApplied) === actualText) return lastApplied;
    } catch {
      // an unrenderable last-applied template is simply not a match
    }
  }
  return { template: actualText, values: {} };
}
