package core

import "testing"

// A label holding an ARN arrives with its slashes escaped and is decoded.
func TestRouteDecodesEscapedLabels(t *testing.T) {
	labels, score, ok := matchRoute(splitPath("/clusters/{clusterName}/access-entries/{principalArn}"),
		splitPath("/clusters/c/access-entries/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fteams%2Fadmin"))
	if !ok || score != 2 || labels["principalArn"] != "arn:aws:iam::123456789012:role/teams/admin" {
		t.Fatalf("labels = %v score %d ok %v", labels, score, ok)
	}
}
