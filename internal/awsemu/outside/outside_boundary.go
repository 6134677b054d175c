package outside

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Services outside LakeSail's RoleBoundary. The emulator serves a few read operations of each so
// tests can show a connection-role session is denied them while the account's root is not; an
// account with none of these resources answers as AWS does for an empty account.

func DynamoDBService() *core.Service {
	s := &core.Service{Name: "dynamodb", Protocol: core.JSONProtocol{}, Target: "DynamoDB_20120810"}
	return s.Add(&core.Operation{Name: "ListTables", Action: "dynamodb:ListTables",
		Handle: func(*core.Req) (any, error) { return struct{ TableNames []string }{TableNames: []string{}}, nil }})
}

func RDSService() *core.Service {
	s := &core.Service{Name: "rds", Protocol: core.QueryProtocol{}, Namespace: "http://rds.amazonaws.com/doc/2014-10-31/", Version: "2014-10-31"}
	return s.Add(&core.Operation{Name: "DescribeDBInstances", Action: "rds:DescribeDBInstances",
		Resources: func(c *core.Req) []string { return []string{"arn:aws:rds:" + c.Region + ":" + c.Account.Id + ":db:*"} },
		Handle: func(*core.Req) (any, error) {
			return struct {
				DBInstances struct{} `xml:"DBInstances"`
			}{}, nil
		}})
}

func OrganizationsService() *core.Service {
	s := &core.Service{Name: "organizations", Protocol: core.JSONProtocol{}, Target: "AWSOrganizationsV20161128", Global: true}
	return s.Add(&core.Operation{Name: "ListAccounts", Action: "organizations:ListAccounts",
		Handle: func(*core.Req) (any, error) {
			// A standalone account, as every emulated account is.
			return nil, core.NewError("AWSOrganizationsNotInUseException", 400, "Your account is not a member of an organization.")
		}})
}
