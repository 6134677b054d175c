package authref

// svcSsmmessages is      Amazon Session Manager Message Gateway Service (service prefix "ssmmessages"), from the Service Authorization Reference
// page list_amazonsessionmanagermessagegatewayservice.html as published on 2026-06-14.
var svcSsmmessages = &Service{
	Prefix:        "ssmmessages",
	Name:          "     Amazon Session Manager Message Gateway Service",
	Complete:      true,
	ResourceTypes: resourceTypes(),
	Actions: actions(
		a("CreateControlChannel", Write, k("ssm:SourceInstanceARN", "ec2:SourceInstanceARN")),
		a("CreateDataChannel", Write),
		a("OpenControlChannel", Write),
		a("OpenDataChannel", Write),
	),
}
