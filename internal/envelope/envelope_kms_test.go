package envelope

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func kmsOf(p principal) *kms.Client { return kms.NewFromConfig(p.cfg) }

func tagKMSKey(p principal, key string) error {
	_, err := kmsOf(p).TagResource(bg, &kms.TagResourceInput{KeyId: aws.String(key),
		Tags: []kmstypes.Tag{{TagKey: aws.String(tagKey), TagValue: aws.String(connID)}}})
	return err
}

// widenedKeyPolicy keeps the account in control and lets account 999999999999 decrypt.
func (w *world) widenedKeyPolicy() string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + w.account + `:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"Exfil","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:Decrypt","Resource":"*"}]}`
}

func (w *world) keyAttacks() []attack {
	return []attack{
		{"kms:TagResource", tagKMSKey},
		{"kms:UntagResource", func(p principal, key string) error {
			_, err := kmsOf(p).UntagResource(bg, &kms.UntagResourceInput{KeyId: aws.String(key), TagKeys: []string{tagKey}})
			return err
		}},
		{"kms:PutKeyPolicy", func(p principal, key string) error {
			_, err := kmsOf(p).PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: aws.String(key), PolicyName: aws.String("default"), Policy: aws.String(w.widenedKeyPolicy())})
			return err
		}},
		{"kms:CreateGrant", func(p principal, key string) error {
			_, err := kmsOf(p).CreateGrant(bg, &kms.CreateGrantInput{KeyId: aws.String(key), GranteePrincipal: aws.String("arn:aws:iam::999999999999:root"),
				Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
			return err
		}},
		{"kms:UpdateKeyDescription", func(p principal, key string) error {
			_, err := kmsOf(p).UpdateKeyDescription(bg, &kms.UpdateKeyDescriptionInput{KeyId: aws.String(key), Description: aws.String("mine now")})
			return err
		}},
		{"kms:DisableKeyRotation", func(p principal, key string) error {
			_, err := kmsOf(p).DisableKeyRotation(bg, &kms.DisableKeyRotationInput{KeyId: aws.String(key)})
			return err
		}},
		{"kms:CreateAlias", func(p principal, key string) error {
			_, err := kmsOf(p).CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/lakesail-" + connID + "-hijack-" + key[strings.LastIndex(key, "/")+1:][:8]), TargetKeyId: aws.String(key)})
			return err
		}},
		{"kms:DisableKey", func(p principal, key string) error {
			_, err := kmsOf(p).DisableKey(bg, &kms.DisableKeyInput{KeyId: aws.String(key)})
			return err
		}},
		{"kms:ScheduleKeyDeletion", func(p principal, key string) error {
			_, err := kmsOf(p).ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(key), PendingWindowInDays: aws.Int32(7)})
			return err
		}},
	}
}

// TestEnvelopeKMS: keys, aliases and grants of the customer and of another connection.
func TestEnvelopeKMS(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	t.Run("keys", func(t *testing.T) {
		w.runEnvelope(t, "key", w.keys.foreign(), tagKMSKey, w.keyAttacks())
	})
	t.Run("aliases", func(t *testing.T) {
		tagAliasKey := tagKMSKey
		w.runEnvelope(t, "alias", w.aliases.foreign(), tagAliasKey, []attack{
			{"kms:UpdateAlias", func(p principal, alias string) error {
				_, err := kmsOf(p).UpdateAlias(bg, &kms.UpdateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(w.keys.ours)})
				return err
			}},
			{"kms:DeleteAlias", func(p principal, alias string) error {
				_, err := kmsOf(p).DeleteAlias(bg, &kms.DeleteAliasInput{AliasName: aws.String(alias)})
				return err
			}},
		})
	})
	t.Run("grants", func(t *testing.T) {
		split := func(id string) (string, string) { key, grant, _ := strings.Cut(id, "|"); return key, grant }
		tagGrantKey := func(p principal, id string) error { key, _ := split(id); return tagKMSKey(p, key) }
		w.runEnvelope(t, "grant", w.grants.foreign(), tagGrantKey, []attack{
			{"kms:RevokeGrant", func(p principal, id string) error {
				key, grant := split(id)
				_, err := kmsOf(p).RevokeGrant(bg, &kms.RevokeGrantInput{KeyId: aws.String(key), GrantId: aws.String(grant)})
				return err
			}},
			{"kms:RetireGrant", func(p principal, id string) error {
				key, grant := split(id)
				_, err := kmsOf(p).RetireGrant(bg, &kms.RetireGrantInput{KeyId: aws.String(key), GrantId: aws.String(grant)})
				return err
			}},
		})
	})
}

// TestEnvelopeAttack_TagThenOwnCustomerKMSKey: the connection role tags an untagged customer
// key with its connection tag, then rewrites its key policy and schedules its deletion.
func TestEnvelopeAttack_TagThenOwnCustomerKMSKey(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p, key := w.connection, w.keys.customer
	w.wantRefused(t, p, "kms:TagResource LakeSail-Connection="+connID+" on the customer's key", tagKMSKey(p, key))
	_, err := kmsOf(p).PutKeyPolicy(bg, &kms.PutKeyPolicyInput{KeyId: aws.String(key), PolicyName: aws.String("default"), Policy: aws.String(w.widenedKeyPolicy())})
	w.wantRefused(t, p, "kms:PutKeyPolicy on the customer's key (after trying to tag it)", err)
	_, err = kmsOf(p).ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(key), PendingWindowInDays: aws.Int32(7)})
	w.wantRefused(t, p, "kms:ScheduleKeyDeletion on the customer's key (after trying to tag it)", err)
}
