package authref

// svcEc2messages is Amazon Message Delivery Service (service prefix "ec2messages"), from the Service Authorization Reference
// page list_amazonmessagedeliveryservice.html as published on 2026-06-14.
var svcEc2messages = &Service{
	Prefix:        "ec2messages",
	Name:          "Amazon Message Delivery Service",
	Complete:      true,
	ResourceTypes: resourceTypes(),
	Actions: actions(
		a("AcknowledgeMessage", Write),
		a("DeleteMessage", Write),
		a("FailMessage", Write),
		a("GetEndpoint", Read),
		a("GetMessages", Read, k("ssm:SourceInstanceARN", "ec2:SourceInstanceARN")),
		a("SendReply", Write, k("ssm:SourceInstanceARN", "ec2:SourceInstanceARN")),
	),
}
