package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// What EC2 answers Systems Manager (ssm's ssmEC2): the public images of its catalog, which AWS
// also publishes as SSM public parameters (the EKS optimized AMI ids under
// /aws/service/eks/optimized-ami/..., Bottlerocket's under /aws/service/bottlerocket/...), so that
// a parameter's value is an image DescribeImages describes and RunInstances launches.

// ec2SSMImage is a public image as SSM sees it. It must spell ssm's ssmImage exactly (an unnamed
// struct type), so that the method signatures are identical without either package importing
// the other.
type ec2SSMImage = struct {
	ID, Name          string
	OS                string // "amazon-linux-2023" | "bottlerocket"
	KubernetesVersion string // "1.32"
	Arch              string // "x86_64" | "arm64"
	Variant           string // "standard" | "nvidia"
}

// PublicImages implements ssmEC2: the catalog's EKS node images, the same in every account and
// region.
func (ec2Peer) PublicImages(*core.Req) []ec2SSMImage {
	var out []ec2SSMImage
	for _, im := range ec2EKSImages() {
		out = append(out, ec2SSMImage{ID: im.id, Name: im.name, OS: im.os, KubernetesVersion: im.k8s, Arch: im.arch, Variant: im.variant})
	}
	return out
}
