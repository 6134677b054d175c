package ssm

import (
	"sort"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Public parameters. AWS publishes parameters that every account reads, under /aws/service/:
// among them the EKS optimized AMI ids
// (/aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/<arch>/<standard|nvidia>/recommended/image_id)
// and Bottlerocket's (/aws/service/bottlerocket/aws-k8s-<k8s>/<arch>/latest/image_id), which
// Karpenter resolves its AMI aliases from. Their ARNs name no account,
// arn:aws:ssm:<region>::parameter/aws/service/..., and that is the resource ssm:GetParameter,
// ssm:GetParameters and ssm:GetParametersByPath are authorized on. They are read-only:
// PutParameter and DeleteParameter refuse names prefixed "aws" or "ssm" (checkSSMName,
// ssmReservedName), DescribeParameters lists only the account's own, and tagging finds none.
//
// The emulator publishes the image id of each EKS node image of EC2's catalog, which it asks EC2
// for (ssmEC2), so that a parameter's value is an image EC2 describes and launches.

// ssmPublicPrefix is where public parameters live.
const ssmPublicPrefix = "/aws/service/"

// ssmIsPublic says a name (or a path) is in the public namespace.
func ssmIsPublic(name string) bool {
	return strings.HasPrefix(name, ssmPublicPrefix) || name == strings.TrimSuffix(ssmPublicPrefix, "/")
}

// ssmEC2 is what SSM asks of EC2; the ec2 service's Impl answers it.
type ssmEC2 interface {
	// PublicImages are the public images whose ids AWS publishes as public parameters.
	PublicImages(c *core.Req) []ssmImage
}

// ssmImage is a public image as SSM sees it. It must spell ec2's ec2SSMImage exactly.
type ssmImage = struct {
	ID, Name          string
	OS                string // "amazon-linux-2023" | "bottlerocket"
	KubernetesVersion string // "1.32"
	Arch              string // "x86_64" | "arm64"
	Variant           string // "standard" | "nvidia"
}

func ssmEC2Of(c *core.Req) ssmEC2 {
	v, ok := core.Peer[ssmEC2](c, "ec2")
	if !ok {
		panic("awsemu: SSM needs the ec2 service")
	}
	return v
}

// ssmPublicModified is when the public parameters last changed: the catalog images' date.
var ssmPublicModified = time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC)

// ssmPublicParam is the public parameter name names, or nil.
func ssmPublicParam(c *core.Req, name string) *ssmParam {
	if !ssmIsPublic(name) {
		return nil
	}
	for _, p := range ssmPublicParams(c) {
		if p.name == name {
			return p
		}
	}
	return nil
}

// ssmPublicParams are the public parameters, sorted by name.
func ssmPublicParams(c *core.Req) []*ssmParam {
	var out []*ssmParam
	for _, im := range ssmEC2Of(c).PublicImages(c) {
		var name string
		switch {
		case im.OS == "amazon-linux-2023":
			name = "/aws/service/eks/optimized-ami/" + im.KubernetesVersion + "/amazon-linux-2023/" + im.Arch + "/" + im.Variant + "/recommended/image_id"
		case im.OS == "bottlerocket" && im.Variant == "standard":
			name = "/aws/service/bottlerocket/aws-k8s-" + im.KubernetesVersion + "/" + im.Arch + "/latest/image_id"
		default:
			continue
		}
		out = append(out, &ssmParam{name: name, dataType: "text", tier: "Standard",
			versions: []*ssmVersion{{version: 1, typ: "String", value: im.ID, modified: ssmPublicModified}}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
