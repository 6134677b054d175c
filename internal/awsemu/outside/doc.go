// Package outside serves a few read calls of services outside LakeSail's RoleBoundary
// (DynamoDB, RDS, Organizations) so tests can show a connection session is refused them.
package outside
