package envelope

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const allowAllDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func iamOf(p principal) *iam.Client { return iam.NewFromConfig(p.cfg) }

func tagIAMRole(p principal, name string) error {
	_, err := iamOf(p).TagRole(bg, &iam.TagRoleInput{RoleName: aws.String(name), Tags: iamTags(map[string]string{tagKey: connID})})
	return err
}

// TestEnvelopeIAM: roles, managed policies, instance profiles and OIDC providers of the customer
// and of another connection are out of reach.
func TestEnvelopeIAM(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	adminPolicy := "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" // on the connection's allow-list
	workloadBoundary := w.bundle.WorkloadBoundary.ARN
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`

	t.Run("roles", func(t *testing.T) {
		w.runEnvelope(t, "role", w.roles.foreign(), tagIAMRole, []attack{
			{"iam:TagRole", tagIAMRole},
			{"iam:UntagRole", func(p principal, id string) error {
				_, err := iamOf(p).UntagRole(bg, &iam.UntagRoleInput{RoleName: aws.String(id), TagKeys: []string{tagKey}})
				return err
			}},
			{"iam:UpdateAssumeRolePolicy", func(p principal, id string) error {
				_, err := iamOf(p).UpdateAssumeRolePolicy(bg, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(id), PolicyDocument: aws.String(trust)})
				return err
			}},
			{"iam:PutRolePolicy", func(p principal, id string) error {
				_, err := iamOf(p).PutRolePolicy(bg, &iam.PutRolePolicyInput{RoleName: aws.String(id), PolicyName: aws.String("x"), PolicyDocument: aws.String(allowAllDoc)})
				return err
			}},
			{"iam:AttachRolePolicy", func(p principal, id string) error {
				_, err := iamOf(p).AttachRolePolicy(bg, &iam.AttachRolePolicyInput{RoleName: aws.String(id), PolicyArn: aws.String(adminPolicy)})
				return err
			}},
			{"iam:PutRolePermissionsBoundary", func(p principal, id string) error {
				_, err := iamOf(p).PutRolePermissionsBoundary(bg, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(id), PermissionsBoundary: aws.String(workloadBoundary)})
				return err
			}},
			{"iam:DeleteRolePermissionsBoundary", func(p principal, id string) error {
				_, err := iamOf(p).DeleteRolePermissionsBoundary(bg, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(id)})
				return err
			}},
			{"iam:UpdateRole", func(p principal, id string) error {
				_, err := iamOf(p).UpdateRole(bg, &iam.UpdateRoleInput{RoleName: aws.String(id), MaxSessionDuration: aws.Int32(43200)})
				return err
			}},
			{"iam:UpdateRoleDescription", func(p principal, id string) error {
				_, err := iamOf(p).UpdateRoleDescription(bg, &iam.UpdateRoleDescriptionInput{RoleName: aws.String(id), Description: aws.String("mine now")})
				return err
			}},
			{"iam:DeleteRole", func(p principal, id string) error {
				_, err := iamOf(p).DeleteRole(bg, &iam.DeleteRoleInput{RoleName: aws.String(id)})
				return err
			}},
		})
	})

	t.Run("policies", func(t *testing.T) {
		tag := func(p principal, arn string) error {
			_, err := iamOf(p).TagPolicy(bg, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: iamTags(map[string]string{tagKey: connID})})
			return err
		}
		w.runEnvelope(t, "policy", w.policies.foreign(), tag, []attack{
			{"iam:TagPolicy", tag},
			{"iam:UntagPolicy", func(p principal, arn string) error {
				_, err := iamOf(p).UntagPolicy(bg, &iam.UntagPolicyInput{PolicyArn: aws.String(arn), TagKeys: []string{tagKey}})
				return err
			}},
			{"iam:CreatePolicyVersion", func(p principal, arn string) error {
				_, err := iamOf(p).CreatePolicyVersion(bg, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(allowAllDoc), SetAsDefault: true})
				return err
			}},
			{"iam:SetDefaultPolicyVersion", func(p principal, arn string) error {
				_, err := iamOf(p).SetDefaultPolicyVersion(bg, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
				return err
			}},
			{"iam:DeletePolicy", func(p principal, arn string) error {
				_, err := iamOf(p).DeletePolicy(bg, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
				return err
			}},
		})
	})

	t.Run("instance-profiles", func(t *testing.T) {
		if w.profilesMissing != "" {
			t.Skip("the emulator has no instance profiles yet: " + w.profilesMissing)
		}
		tag := func(p principal, name string) error {
			_, err := iamOf(p).TagInstanceProfile(bg, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String(name), Tags: iamTags(map[string]string{tagKey: connID})})
			return err
		}
		w.runEnvelope(t, "instance-profile", w.profiles.foreign(), tag, []attack{
			{"iam:TagInstanceProfile", tag},
			{"iam:UntagInstanceProfile", func(p principal, name string) error {
				_, err := iamOf(p).UntagInstanceProfile(bg, &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String(name), TagKeys: []string{tagKey}})
				return err
			}},
			{"iam:AddRoleToInstanceProfile", func(p principal, name string) error {
				// Put the connection's own node role into someone else's profile.
				_, err := iamOf(p).AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(w.roles.ours)})
				return err
			}},
			{"iam:RemoveRoleFromInstanceProfile", func(p principal, name string) error {
				role := w.roles.customer
				if name == w.profiles.other {
					role = w.roles.other
				}
				_, err := iamOf(p).RemoveRoleFromInstanceProfile(bg, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(role)})
				return err
			}},
			{"iam:DeleteInstanceProfile", func(p principal, name string) error {
				_, err := iamOf(p).DeleteInstanceProfile(bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(name)})
				return err
			}},
		})
	})

	t.Run("oidc-providers", func(t *testing.T) {
		w.runEnvelope(t, "oidc-provider", w.oidc.foreign(), tagOIDC, oidcAttacks())
	})
}

func tagOIDC(p principal, arn string) error {
	_, err := iamOf(p).TagOpenIDConnectProvider(bg, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn),
		Tags: iamTags(map[string]string{tagKey: connID})})
	return err
}

func oidcAttacks() []attack {
	return []attack{
		{"iam:TagOpenIDConnectProvider", tagOIDC},
		{"iam:UntagOpenIDConnectProvider", func(p principal, arn string) error {
			_, err := iamOf(p).UntagOpenIDConnectProvider(bg, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), TagKeys: []string{tagKey}})
			return err
		}},
		{"iam:AddClientIDToOpenIDConnectProvider", func(p principal, arn string) error {
			_, err := iamOf(p).AddClientIDToOpenIDConnectProvider(bg, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("attacker")})
			return err
		}},
		{"iam:RemoveClientIDFromOpenIDConnectProvider", func(p principal, arn string) error {
			_, err := iamOf(p).RemoveClientIDFromOpenIDConnectProvider(bg, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("sts.amazonaws.com")})
			return err
		}},
		{"iam:UpdateOpenIDConnectProviderThumbprint", func(p principal, arn string) error {
			_, err := iamOf(p).UpdateOpenIDConnectProviderThumbprint(bg, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: aws.String(arn),
				ThumbprintList: []string{"0000000000000000000000000000000000000000"}})
			return err
		}},
		{"iam:DeleteOpenIDConnectProvider", func(p principal, arn string) error {
			_, err := iamOf(p).DeleteOpenIDConnectProvider(bg, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
			return err
		}},
	}
}

// TestEnvelopeAttack_TagThenDeleteCustomerOIDCProvider: the connection role puts its connection
// tag on the OIDC provider of a customer's own EKS cluster, then deletes it (every IRSA role of
// that cluster stops working).
func TestEnvelopeAttack_TagThenDeleteCustomerOIDCProvider(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.connection
	w.wantResidual(t, p, "TagOpenIDConnectProvider LakeSail-Connection="+connID+" on the customer's provider",
		residuals["connection-role/customer/iam:TagOpenIDConnectProvider"], tagOIDC(p, w.oidc.customer))
	_, err := iamOf(p).DeleteOpenIDConnectProvider(bg, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(w.oidc.customer)})
	w.wantRefused(t, p, "DeleteOpenIDConnectProvider on the customer's provider (after trying to tag it)", err)
}
