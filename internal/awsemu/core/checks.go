package core

// PassRole is the iam:PassRole check for handing roleARN to service (iam:PassedToService) for
// the resource it will serve (iam:AssociatedResourceArn).
func PassRole(roleARN, service, resource string) Check {
	ctx := map[string][]string{"iam:PassedToService": {service}}
	if resource != "" {
		ctx["iam:AssociatedResourceArn"] = []string{resource}
	}
	return Check{Action: "iam:PassRole", Resources: []string{roleARN}, Context: ctx}
}
