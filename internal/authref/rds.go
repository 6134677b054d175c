package authref

// svcRds is Amazon RDS (service prefix "rds"), from the Service Authorization Reference
// page list_amazonrds.html as published on 2026-06-14.
// The catalog holds a subset of the page: only the actions the project names.
var svcRds = &Service{
	Prefix:   "rds",
	Name:     "Amazon RDS",
	Complete: false,
	ResourceTypes: resourceTypes(
		rt("db", "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}",
			"aws:ResourceTag/${TagKey}", "rds:DatabaseClass", "rds:DatabaseEngine", "rds:DatabaseName", "rds:MultiAz", "rds:Piops",
			"rds:StorageEncrypted", "rds:StorageSize", "rds:Vpc", "rds:db-tag/${TagKey}"),
	),
	Actions: actions(
		a("DescribeDBInstances", List, r("db")),
	),
}
