// Version stamped into every manifest, so a checkpoint can be traced to the code that edited it.
export const EDITS_TOOL = { name: 'workbench-edits', version: '0.1.0' } as const;
