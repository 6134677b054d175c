package authref

// svcDynamodb is Amazon DynamoDB (service prefix "dynamodb"), from the Service Authorization Reference
// page list_amazondynamodb.html as published on 2026-06-14.
// The catalog holds a subset of the page: only the actions the project names.
var svcDynamodb = &Service{
	Prefix:        "dynamodb",
	Name:          "Amazon DynamoDB",
	Complete:      false,
	ResourceTypes: resourceTypes(),
	Actions: actions(
		a("ListTables", List),
	),
}
