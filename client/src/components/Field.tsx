// Labelled form fields: a `.field` box whose <label for> names its control. Text fields that are
// checked by the form show their message in a `.field-error` paragraph the input points to.
import { For, Show, type JSX } from "solid-js";

interface FieldFrame {
  /** The control's id; the label points to it. */
  id: string;
  label: string;
  /** A quieter word after the label, such as "optional". */
  note?: string;
  /** Takes the free width of a form row. */
  grow?: boolean;
}

/** The box and label around a control that needs its own markup. */
export function Field(props: FieldFrame & { children: JSX.Element }) {
  return (
    <div class={props.grow ? "field field-grow" : "field"}>
      <label for={props.id}>
        {props.label}
        <Show when={props.note}>{(note) => <span class="muted label-note">{note()}</span>}</Show>
      </label>
      {props.children}
    </div>
  );
}

type TextFieldProps = FieldFrame & {
  testId: string;
  type: "text" | "email" | "password";
  value: string;
  onInput: (value: string) => void;
  /** While set, the input is invalid and described by this message. */
  error?: string | undefined;
  /** Id of the message paragraph; `<id>-error` unless given. */
  errorId?: string;
  ref?: HTMLInputElement | ((el: HTMLInputElement) => void);
  name?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  maxLength?: number;
  placeholder?: string;
};

/** A text input the form validates itself (its own messages, in the app's language). */
export function TextField(props: TextFieldProps) {
  const errorId = () => props.errorId ?? `${props.id}-error`;
  const invalid = () => Boolean(props.error);
  return (
    <Field id={props.id} label={props.label} note={props.note} grow={props.grow}>
      <input
        ref={props.ref}
        id={props.id}
        data-testid={props.testId}
        type={props.type}
        name={props.name}
        autocomplete={props.autocomplete}
        required={props.required}
        autofocus={props.autofocus}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={invalid()}
        aria-describedby={invalid() ? errorId() : undefined}
      />
      <Show when={props.error}>
        {(error) => <p id={errorId()} class="field-error">{error()}</p>}
      </Show>
    </Field>
  );
}

type SelectFieldProps<T extends string> = FieldFrame & {
  testId: string;
  options: readonly T[];
  labelOf: (option: T) => string;
  disabled?: boolean;
};

/** A select over a fixed list of values, such as ticket statuses. */
export function SelectField<T extends string>(props: SelectFieldProps<T> & { value: T; onChange: (value: T) => void }): JSX.Element;
/** With a leading empty choice, labelled `allLabel`, that stands for "any" and reports undefined. */
export function SelectField<T extends string>(
  props: SelectFieldProps<T> & { allLabel: string; value: T | undefined; onChange: (value: T | undefined) => void },
): JSX.Element;
export function SelectField<T extends string>(
  props: SelectFieldProps<T> & { allLabel?: string; value: T | undefined; onChange: (value: T | undefined) => void },
) {
  // Only the "all" choice has an empty value; the options are non-empty enum values.
  const choose = (value: string) => props.onChange((value || undefined) as T | undefined);
  // `selected` as well as the select's value: options rendered after the value was set, and
  // updates that arrive live, still show the current choice.
  return (
    <Field id={props.id} label={props.label} note={props.note} grow={props.grow}>
      <select id={props.id} data-testid={props.testId} value={props.value ?? ""} disabled={props.disabled} onChange={(e) => choose(e.currentTarget.value)}>
        <Show when={props.allLabel !== undefined}>
          <option value="" selected={!props.value}>{props.allLabel}</option>
        </Show>
        <For each={props.options}>
          {(option) => <option value={option} selected={props.value === option}>{props.labelOf(option)}</option>}
        </For>
      </select>
    </Field>
  );
}
