/** A filter form's text field, showing what was asked for as it was typed (even when it was not valid). */
export const TextField = ({
	name,
	label,
	values,
	hint,
}: {
	name: string;
	label: string;
	values: Record<string, string>;
	hint?: string;
}) => (
	<label>
		{label}
		<input name={name} value={values[name] ?? ""} placeholder={hint} />
	</label>
);

/** A time field: the console's times are UTC, and so is what is typed here. */
export const TimeField = ({ name, label, values }: { name: string; label: string; values: Record<string, string> }) => (
	<label>
		{`${label} (UTC)`}
		<input name={name} type="datetime-local" value={values[name] ?? ""} />
	</label>
);

/** Finding an order by its id: the whole id, or how it starts. */
export const OrderIdFields = ({ values }: { values: Record<string, string> }) => (
	<>
		<TextField name="orderId" label="Order id" values={values} hint="the whole id" />
		<TextField name="orderIdPrefix" label="Id starts with" values={values} hint="e.g. fleet-7" />
	</>
);
