package smoke

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	sigsyaml "sigs.k8s.io/yaml"
)

// logTail bounds the log lines kept per failed container.
const logTail = 100

// removeObject deletes the object a manifest describes, if it exists, and
// waits until it is gone, so that creating it again cannot collide.
func (o *Smoke) removeObject(ctx context.Context, ns, manifest string) error {
	obj := &unstructured.Unstructured{}
	if err := sigsyaml.Unmarshal([]byte(manifest), &obj.Object); err != nil {
		return fmt.Errorf("decode manifest: %w", err)
	}
	gvk := obj.GroupVersionKind()
	m, err := o.cfg.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return fmt.Errorf("%s: %w", gvk.Kind, err)
	}
	var ri dynamic.ResourceInterface = o.cfg.Dynamic.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() != "" {
			ns = obj.GetNamespace()
		}
		ri = o.cfg.Dynamic.Resource(m.Resource).Namespace(ns)
	}
	return deleteAndWait(ctx, ri, obj.GetName())
}

func deleteAndWait(ctx context.Context, ri dynamic.ResourceInterface, name string) error {
	zero, bg := int64(0), metav1.DeletePropagationBackground
	err := ri.Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero, PropagationPolicy: &bg})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := ri.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// failedPodLogs writes the logs of the failed pods among pods.
func (o *Smoke) failedPodLogs(ctx context.Context, w io.Writer, pods []corev1.Pod) {
	for i := range pods {
		if pods[i].Status.Phase == corev1.PodFailed {
			o.podLogs(ctx, w, &pods[i])
		}
	}
}

// podLogs writes the last lines of every container of pod p.
func (o *Smoke) podLogs(ctx context.Context, w io.Writer, p *corev1.Pod) {
	tail := int64(logTail)
	for _, c := range p.Spec.Containers {
		fmt.Fprintf(w, "--- pod %s container %s (%s) ---\n", p.Name, c.Name, p.Status.Phase)
		b, err := o.cfg.Typed.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: c.Name, TailLines: &tail}).DoRaw(ctx)
		if err != nil {
			fmt.Fprintf(w, "(logs unavailable: %v)\n", err)
			continue
		}
		s := string(b)
		fmt.Fprint(w, s)
		if s != "" && !strings.HasSuffix(s, "\n") {
			fmt.Fprintln(w)
		}
	}
}

// hookLogs writes the logs of a failed test hook: its pod, or the failed
// pods of its Job.
func (o *Smoke) hookLogs(ctx context.Context, w io.Writer, ns, kind, name string) {
	switch kind {
	case "Pod":
		p, err := o.cfg.Typed.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			fmt.Fprintf(w, "--- pod %s ---\n(logs unavailable: %v)\n", name, err)
			return
		}
		o.podLogs(ctx, w, p)
	case "Job":
		o.jobLogs(ctx, w, ns, name)
	}
}

// jobLogs writes the logs of the failed pods of Job ns/name.
func (o *Smoke) jobLogs(ctx context.Context, w io.Writer, ns, name string) {
	pods, err := o.cfg.Typed.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + name})
	if err != nil {
		fmt.Fprintf(w, "--- job %s ---\n(pods unavailable: %v)\n", name, err)
		return
	}
	o.failedPodLogs(ctx, w, pods.Items)
}
