// Label and field selectors: parsing (?labelSelector=, ?fieldSelector=), matching, the per-kind
// field labels upstream supports, and the metav1.LabelSelector helpers controllers and printers use.

export type { LabelOperator, LabelRequirement, LabelSelector } from './label-selector.js';
export {
  everything,
  formatLabels,
  formatLabelSelector,
  labelSelectorFromMeta,
  labelSelectorString,
  matchesLabels,
  nothing,
  parseLabelSelector,
} from './label-selector.js';
export type { FieldSelector, FieldTerm } from './field-selector.js';
export { escapeFieldValue, fieldExactMatch, fieldSelectorString, matchesFields, parseFieldSelector } from './field-selector.js';
export { checkFieldSelector, fieldSetFor } from './field-labels.js';
