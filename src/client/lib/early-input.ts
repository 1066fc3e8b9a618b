/**
 * Taking over a first frame (decision 023): what the person typed, chose, opened and pressed in
 * the BFF's drawing of the form before the scripts ran is done again in the app's own form, as
 * if done there: values go in through input and change events, so the form's handlers see them.
 */
type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface EarlySnapshot {
  /** Fields whose value differs from the frame's, by name (the frame has no checkbox). */
  changed: { name: string; value: string }[];
  /** The indexes of the <details> opened (More), in document order. */
  opened: number[];
  focus?: { name: string; value: string; start: number | null; end: number | null };
  /** Buttons pressed, by their text, in order. */
  pressed: string[];
}

function changedValue(field: Field): EarlySnapshot["changed"][number] | undefined {
  if (field instanceof HTMLSelectElement) {
    const changed = [...field.options].some((option) => option.selected !== option.defaultSelected);
    return changed ? { name: field.name, value: field.value } : undefined;
  }
  return field.value !== field.defaultValue ? { name: field.name, value: field.value } : undefined;
}

/** Read just before the app draws over the frame, in the same task: nothing typed in between. */
export function snapshotEarlyInput(root: HTMLElement): EarlySnapshot {
  const fields = [...root.querySelectorAll<Field>("input[name], select[name], textarea[name]")];
  const active = document.activeElement;
  const focused = fields.find((field) => field === active);
  return {
    changed: fields.flatMap((field) => changedValue(field) ?? []),
    opened: [...root.querySelectorAll("details")].flatMap((details, index) =>
      details.open ? [index] : [],
    ),
    focus: focused && {
      name: focused.name,
      value: focused.value,
      // null where the field has no caret (a select; an input type without one).
      start: "selectionStart" in focused ? focused.selectionStart : null,
      end: "selectionEnd" in focused ? focused.selectionEnd : null,
    },
    pressed: window.earlyInput?.pressed ?? [],
  };
}

/** Sets a value as typing does: React keeps its own copy, which only the native setter passes. */
function type(field: Field, value: string) {
  Reflect.set(Object.getPrototypeOf(field) as object, "value", value, field);
  const event = field instanceof HTMLSelectElement ? "change" : "input";
  field.dispatchEvent(new Event(event, { bubbles: true }));
}

/** Just after the app's first draw: the person's input, then their presses, in order. */
export function replayEarlyInput(root: HTMLElement, snapshot: EarlySnapshot): void {
  const named = (name: string) =>
    root.querySelector<Field>(
      `input[name="${CSS.escape(name)}"], select[name="${CSS.escape(name)}"], textarea[name="${CSS.escape(name)}"]`,
    );
  const details = [...root.querySelectorAll("details")];
  for (const index of snapshot.opened) if (details[index]) details[index].open = true;
  if (snapshot.focus) named(snapshot.focus.name)?.focus();
  for (const change of snapshot.changed) {
    const field = named(change.name);
    if (field) type(field, change.value);
  }
  // The caret goes back where it was, unless the app has put a value of its own there (the
  // preselected service): then that value is selected, so that typing goes on replacing it.
  const focused = snapshot.focus && named(snapshot.focus.name);
  if (focused && "setSelectionRange" in focused && snapshot.focus?.start != null) {
    if (focused.value === snapshot.focus.value) {
      focused.setSelectionRange(snapshot.focus.start, snapshot.focus.end);
    } else {
      focused.select();
    }
  }
  for (const text of snapshot.pressed) {
    [...root.querySelectorAll("button")]
      .find((button) => button.textContent?.trim() === text && !button.disabled)
      ?.click();
  }
}
