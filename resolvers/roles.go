package resolvers

// assignmentRule starts the rule of facts imported from a task assignment
// table (loaders.AssignmentRule; resolvers do not import loaders): such roles
// win over the roles the extractor inferred for the same initiative.
const assignmentRule = "assignment table"
