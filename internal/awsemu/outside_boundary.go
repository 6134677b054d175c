package awsemu

// Services outside LakeSail's RoleBoundary. The emulator serves a few read operations of each so
// tests can show a connection-role session is denied them while the account's root is not; an
// account with none of these resources answers as AWS does for an empty account.

func dynamodbService() *Service {
	s := &Service{Name: "dynamodb", Protocol: jsonProtocol{}, Target: "DynamoDB_20120810"}
	return s.Add(&Operation{Name: "ListTables", Action: "dynamodb:ListTables",
		Handle: func(*Req) (any, error) { return struct{ TableNames []string }{TableNames: []string{}}, nil }})
}

func rdsService() *Service {
	s := &Service{Name: "rds", Protocol: queryProtocol{}, Namespace: "http://rds.amazonaws.com/doc/2014-10-31/", Version: "2014-10-31"}
	return s.Add(&Operation{Name: "DescribeDBInstances", Action: "rds:DescribeDBInstances",
		Resources: func(c *Req) []string { return []string{"arn:aws:rds:" + c.Region + ":" + c.Account.id + ":db:*"} },
		Handle: func(*Req) (any, error) {
			return struct {
				DBInstances struct{} `xml:"DBInstances"`
			}{}, nil
		}})
}

func organizationsService() *Service {
	s := &Service{Name: "organizations", Protocol: jsonProtocol{}, Target: "AWSOrganizationsV20161128", Global: true}
	return s.Add(&Operation{Name: "ListAccounts", Action: "organizations:ListAccounts",
		Handle: func(*Req) (any, error) {
			// A standalone account, as every emulated account is.
			return nil, apiError("AWSOrganizationsNotInUseException", 400, "Your account is not a member of an organization.")
		}})
}
