package smoke

import (
	"context"
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

var jobsResource = batchv1.SchemeGroupVersion.WithResource("jobs")

// jobAttempt creates a Job from the check's template, waits for it to
// complete or fail, and returns the logs of its failed pods on failure.
// A finished Job is deleted when it passed and kept for inspection when it
// failed; a Job of the same fixed name left by an earlier run is removed first.
func (o *Smoke) jobAttempt(ctx context.Context, ns string, tmpl *batchv1.Job) outcome {
	job := tmpl.DeepCopy()
	job.Namespace = ns
	jobs := o.cfg.Typed.BatchV1().Jobs(ns)
	if job.Name != "" {
		if err := deleteAndWait(ctx, o.cfg.Dynamic.Resource(jobsResource).Namespace(ns), job.Name); err != nil {
			return outcome{Reason: fmt.Sprintf("remove leftover job %s: %v", job.Name, err)}
		}
	}
	created, err := jobs.Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		return outcome{Reason: fmt.Sprintf("create job: %v", err)}
	}
	name := created.Name
	var v Verdict
	err = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		j, err := jobs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		v = JobVerdict(j)
		return v.Done, nil
	})
	if err == nil && !v.Failed {
		bg := metav1.DeletePropagationBackground
		_ = jobs.Delete(context.WithoutCancel(ctx), name, metav1.DeleteOptions{PropagationPolicy: &bg})
		return outcome{}
	}
	var logs strings.Builder
	o.jobLogs(context.WithoutCancel(ctx), &logs, ns, name)
	if err != nil {
		return outcome{Reason: fmt.Sprintf("job %s not finished: %v", name, err), Logs: logs.String()}
	}
	return outcome{Reason: fmt.Sprintf("job %s failed: %s", name, v.Why), Logs: logs.String()}
}

// Verdict is the state of a Job: running, complete, or failed and why.
type Verdict struct {
	Done, Failed bool
	Why          string
}

// JobVerdict reads a Job's Complete and Failed conditions. Pure.
func JobVerdict(j *batchv1.Job) Verdict {
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return Verdict{Done: true}
		case batchv1.JobFailed:
			return Verdict{Done: true, Failed: true, Why: strings.TrimSpace(c.Reason + ": " + c.Message)}
		}
	}
	return Verdict{}
}
