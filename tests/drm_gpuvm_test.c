// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit tests for the DRM GPU VA manager (drm_gpuvm).
 */

#include <kunit/test.h>
#include <kunit/test-bug.h>

#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_kunit_helpers.h>

/* VA space layout shared by all tests. */
#define TEST_VM_START		((u64)SZ_64K)
#define TEST_VM_RANGE		((u64)SZ_4G)
#define TEST_VM_END		(TEST_VM_START + TEST_VM_RANGE)
#define TEST_RSV_START		TEST_VM_START
#define TEST_RSV_RANGE		((u64)SZ_64K)
#define TEST_RSV_END		(TEST_RSV_START + TEST_RSV_RANGE)

/* Split/merge tests work in units of TEST_UNIT starting at TEST_VA_BASE. */
#define TEST_VA_BASE		((u64)SZ_1M)
#define TEST_UNIT		((u64)SZ_64K)
#define TEST_ADDR(u)		(TEST_VA_BASE + (u64)(u) * TEST_UNIT)
#define TEST_OFF_N(u)		((u64)SZ_16M + (u64)(u) * TEST_UNIT)
#define TEST_OFF_M(u)		((u64)SZ_32M + (u64)(u) * TEST_UNIT)
#define TEST_SM_UNITS		16

#define TEST_MAX_OBJS		4
#define TEST_MAX_STEPS		8
#define TEST_MAX_MAPS		6
#define TEST_MAX_WATCH		4

/* How long a test waits for another thread before it gives up. */
#define GPUVM_TEST_TIMEOUT	(10 * HZ)

/* Backing BOs of the split/merge table: none (sparse), a and b. */
enum gpuvm_sm_bo {
	TBO_NONE,
	TBO_A,
	TBO_B,
};

struct gpuvm_test_priv;

/* Driver VM embedding the drm_gpuvm, freed by ::vm_free. */
struct gpuvm_test_vm {
	struct drm_gpuvm base;
	struct gpuvm_test_priv *priv;
	/* On the priv's list of VMs, until ::vm_free. */
	struct list_head link;
	/* The flags the test created the VM with. */
	enum drm_gpuvm_flags flags;
};

/* Driver vm_bo embedding the drm_gpuvm_bo, freed by ::vm_bo_free. */
struct gpuvm_test_bo {
	struct drm_gpuvm_bo base;
	unsigned int validated;
};

/*
 * Driver VA embedding the drm_gpuva at a non-zero offset, allocated by
 * ::va_alloc and freed by ::va_free: freeing the drm_gpuva pointer itself
 * would be caught by KASAN.
 */
struct gpuvm_test_va {
	/* On @priv->tvas until it is released. */
	struct list_head link;
	u64 cookie;
	struct drm_gpuva base;
};

#define GPUVM_TEST_VA_COOKIE	0x67707576615f7661ULL

/* GEM object whose ::free is counted. */
struct gpuvm_test_gem {
	struct drm_gem_object base;
	struct gpuvm_test_priv *priv;
	/* On @priv->gems until it is released. */
	struct list_head link;
	/* A weak-ref VM whose mappings ::free tears down, if set. */
	struct drm_gpuvm *weak_vm;
	/* Completed when ::free starts its teardown, if set. */
	struct completion *free_entered;
	/* The teardown leaves out the VM's dma-resv (a misuse), if set. */
	bool free_without_vm_resv;
	/* ::free tears down itself instead of queueing free_work, if set. */
	bool free_inline;
	struct work_struct free_work;
};

/* One split/merge step as reported by drm_gpuvm. */
struct gpuvm_test_step {
	enum drm_gpuva_op_type op;
	struct drm_gpuva_op_map map;
	struct drm_gpuva *va;
	bool keep;
	bool has_prev;
	bool has_next;
	struct drm_gpuva_op_map prev;
	struct drm_gpuva_op_map next;
};

struct gpuvm_test_priv {
	struct kunit *test;
	/* Whether lockdep was on when the test started. */
	bool lockdep_on;
	/* The test frees a VM with a GEM-less VA still queued, on purpose. */
	bool queued_va_at_free;
	struct device *dev;
	struct drm_device *drm;
	unsigned int drm_refs;

	/* The resv object shared by all VMs of a test. */
	struct drm_gem_object *r_obj;
	/* Runs the free path that the ::free of weak-ref GEMs queues. */
	struct workqueue_struct *free_wq;
	atomic_t frees_queued;
	atomic_t frees_done;
	wait_queue_head_t frees_wait;
	/* Threads of the case still running, see gpuvm_test_thread_enter(). */
	atomic_t threads;
	/* Whether the VM's resv was locked when ::free of a weak-ref GEM ran. */
	bool free_vm_resv_locked;

	/* Counters of the mock driver. */
	unsigned int vm_inits;
	unsigned int vm_frees;
	unsigned int vm_bo_allocs;
	unsigned int vm_bo_frees;
	/* ::vm_bo_free calls for vm_bos that drm_gpuvm allocated itself. */
	unsigned int vm_bo_default_frees;
	unsigned int validates;
	unsigned int obj_allocs;
	unsigned int obj_frees;
	unsigned int op_alloc_calls;
	/* GEM refcount seen by the last ::vm_bo_free, through vm_bo->obj. */
	unsigned int vm_bo_free_gem_refs;
	/* Order of the last ::vm_bo_free and GEM ::free calls. */
	unsigned int seq;
	unsigned int vm_bo_free_seq;
	unsigned int obj_free_seq;
	unsigned int op_allocs;
	unsigned int op_frees;
	unsigned int va_alloc_calls;
	unsigned int va_allocs;
	unsigned int va_frees;
	unsigned int va_bare_frees;
	unsigned int va_bad_cookies;
	struct drm_gpuva *last_va_alloc;
	struct drm_gpuva *last_va_free;
	/* The VMs the last ::va_alloc and ::va_free were called for. */
	struct drm_gpuvm *last_va_alloc_vm;
	struct drm_gpuvm *last_va_free_vm;
	/* mappings that still had a vm_bo when ::va_free ran. */
	unsigned int va_free_with_vm_bo;
	/* GEM refcount the last ::va_free saw through va->gem.obj. */
	unsigned int va_free_gem_refs;
	/* State of @watch_bo at each of the first ::va_free calls. */
	struct drm_gpuvm_bo *watch_bo;
	unsigned int watch_refs[TEST_MAX_WATCH];
	unsigned int watch_bo_frees[TEST_MAX_WATCH];

	/* Allocation failure injection. */
	bool fail_vm_bo_alloc;
	bool fail_va_alloc;
	unsigned int fail_op_alloc_at;

	/* GEM objects owned by the test, released in .exit. */
	struct drm_gem_object *objs[TEST_MAX_OBJS];
	unsigned int num_objs;
	/* The VMs of gpuvm_test_vm_init() that ::vm_free has not freed. */
	struct list_head vms;
	/* The GEMs of gpuvm_test_gem_alloc() not released yet. */
	struct list_head gems;
	/* The mappings of ::va_alloc not released yet. */
	struct list_head tvas;
	/* Protects the lists of live objects. */
	spinlock_t live_lock;

	/* Split/merge recording. */
	struct drm_gem_object *sm_bos[2];
	struct drm_gpuvm *sm_vm;
	struct gpuvm_test_step steps[TEST_MAX_STEPS];
	unsigned int num_steps;
	int fail_step;
	bool apply;

	/* Locks taken by gpuvm_test_lock(), held while @locked is set. */
	bool locked;
	struct ww_acquire_ctx ww;
	struct dma_resv *locked_vm_resv;
	struct dma_resv *locked_obj_resv;
	/* The GEM's gpuva.lock, only taken in immediate mode. */
	struct mutex *locked_gpuva;
};

static struct gpuvm_test_vm *to_test_vm(struct drm_gpuvm *gpuvm)
{
	return container_of(gpuvm, struct gpuvm_test_vm, base);
}

static struct gpuvm_test_bo *to_test_bo(struct drm_gpuvm_bo *vm_bo)
{
	return container_of(vm_bo, struct gpuvm_test_bo, base);
}

static void gpuvm_test_vm_free(struct drm_gpuvm *gpuvm)
{
	struct gpuvm_test_vm *vm = to_test_vm(gpuvm);
	struct kunit *test = vm->priv->test;

	/*
	 * drm_gpuvm_fini() only WARNs about what the VM still holds; a plain
	 * kunit.py run does not read the kernel log, so fail the test here.
	 */
	KUNIT_EXPECT_TRUE_MSG(test, RB_EMPTY_ROOT(&gpuvm->rb.tree.rb_root),
			      "VA tree not empty at ::vm_free");
	KUNIT_EXPECT_TRUE_MSG(test, list_empty(&gpuvm->extobj.list),
			      "extobj list not empty at ::vm_free");
	KUNIT_EXPECT_TRUE_MSG(test, list_empty(&gpuvm->evict.list),
			      "evict list not empty at ::vm_free");
	KUNIT_EXPECT_TRUE_MSG(test, llist_empty(&gpuvm->bo_defer),
			      "bo_defer list not empty at ::vm_free");
	KUNIT_EXPECT_TRUE_MSG(test, vm->priv->queued_va_at_free ||
			      llist_empty(&gpuvm->va_defer),
			      "va_defer list not empty at ::vm_free");

	list_del(&vm->link);
	vm->priv->vm_frees++;
	kfree(vm);
}

/*
 * The test that runs, for the callbacks without a VM argument: current's
 * test on the test's own thread, and this one on the threads a test starts,
 * which KUnit does not know. Tests run one at a time; .init sets it and
 * .exit clears it.
 */
static struct gpuvm_test_priv *gpuvm_test_running;

static struct gpuvm_test_priv *gpuvm_test_current_priv(void)
{
	struct kunit *test = kunit_get_current_test();

	return test ? test->priv : READ_ONCE(gpuvm_test_running);
}

static struct drm_gpuvm_bo *gpuvm_test_vm_bo_alloc(void)
{
	struct gpuvm_test_priv *priv = gpuvm_test_current_priv();
	struct gpuvm_test_bo *bo;

	if (!priv)
		return NULL;

	if (priv->fail_vm_bo_alloc) {
		priv->fail_vm_bo_alloc = false;
		return NULL;
	}

	bo = kzalloc_obj(*bo);
	if (!bo)
		return NULL;

	priv->vm_bo_allocs++;

	return &bo->base;
}

static void gpuvm_test_vm_bo_free(struct drm_gpuvm_bo *vm_bo)
{
	struct gpuvm_test_priv *priv = to_test_vm(vm_bo->vm)->priv;

	/* vm_bo->obj must still be valid, KASAN checks this access. */
	priv->vm_bo_free_gem_refs = kref_read(&vm_bo->obj->refcount);
	priv->vm_bo_free_seq = ++priv->seq;
	priv->vm_bo_frees++;
	kfree(to_test_bo(vm_bo));
}

static struct drm_gpuva_op *gpuvm_test_op_alloc(void)
{
	struct gpuvm_test_priv *priv = gpuvm_test_current_priv();
	struct drm_gpuva_op *op;

	if (!priv || priv->op_alloc_calls++ == priv->fail_op_alloc_at)
		return NULL;

	op = kzalloc_obj(*op);
	if (op)
		priv->op_allocs++;

	return op;
}

static void gpuvm_test_op_free(struct drm_gpuva_op *op)
{
	struct gpuvm_test_priv *priv = gpuvm_test_current_priv();

	if (priv)
		priv->op_frees++;
	kfree(op);
}

static struct drm_gpuva *gpuvm_test_va_alloc(struct drm_gpuvm *gpuvm)
{
	struct gpuvm_test_priv *priv = to_test_vm(gpuvm)->priv;
	struct gpuvm_test_va *tva;

	priv->va_alloc_calls++;
	priv->last_va_alloc_vm = gpuvm;
	if (priv->fail_va_alloc) {
		priv->fail_va_alloc = false;
		return NULL;
	}

	tva = kzalloc_obj(*tva);
	if (!tva)
		return NULL;

	tva->cookie = GPUVM_TEST_VA_COOKIE;
	spin_lock(&priv->live_lock);
	list_add_tail(&tva->link, &priv->tvas);
	spin_unlock(&priv->live_lock);
	priv->va_allocs++;
	priv->last_va_alloc = &tva->base;

	return &tva->base;
}

/* Free a VA of ::va_alloc, also used for a VA whose VM is gone. */
static void gpuvm_test_va_release(struct gpuvm_test_priv *priv,
				  struct drm_gpuva *va)
{
	struct gpuvm_test_va *tva = container_of(va, struct gpuvm_test_va, base);

	if (tva->cookie != GPUVM_TEST_VA_COOKIE) {
		priv->va_bad_cookies++;
	} else {
		spin_lock(&priv->live_lock);
		list_del(&tva->link);
		spin_unlock(&priv->live_lock);
	}
	priv->last_va_free = va;
	priv->va_frees++;
	kfree(tva);
}

static void gpuvm_test_va_free(struct drm_gpuvm *gpuvm, struct drm_gpuva *va)
{
	struct gpuvm_test_priv *priv = to_test_vm(gpuvm)->priv;

	priv->last_va_free_vm = gpuvm;
	if (va->vm_bo) {
		priv->va_free_with_vm_bo++;
		/* The GEM must still be alive, KASAN checks this access. */
		priv->va_free_gem_refs = kref_read(&va->gem.obj->refcount);
	}
	if (priv->watch_bo && priv->va_frees < TEST_MAX_WATCH) {
		priv->watch_refs[priv->va_frees] =
			kref_read(&priv->watch_bo->kref);
		priv->watch_bo_frees[priv->va_frees] = priv->vm_bo_frees;
	}
	gpuvm_test_va_release(priv, va);
}

/* ::va_free of a driver without ::va_alloc: @va is a bare drm_gpuva. */
static void gpuvm_test_va_free_bare(struct drm_gpuvm *gpuvm,
				    struct drm_gpuva *va)
{
	struct gpuvm_test_priv *priv = to_test_vm(gpuvm)->priv;

	priv->last_va_free_vm = gpuvm;
	priv->last_va_free = va;
	priv->va_bare_frees++;
	kfree(va);
}

static int gpuvm_test_vm_bo_validate(struct drm_gpuvm_bo *vm_bo,
				     struct drm_exec *exec)
{
	to_test_vm(vm_bo->vm)->priv->validates++;
	to_test_bo(vm_bo)->validated++;
	drm_gpuvm_bo_evict(vm_bo, false);

	return 0;
}

static void gpuvm_test_op_to_step(const struct drm_gpuva_op *op,
				  struct gpuvm_test_step *step)
{
	memset(step, 0, sizeof(*step));
	step->op = op->op;

	switch (op->op) {
	case DRM_GPUVA_OP_MAP:
		step->map = op->map;
		break;
	case DRM_GPUVA_OP_REMAP:
		step->va = op->remap.unmap->va;
		step->keep = op->remap.unmap->keep;
		if (op->remap.prev) {
			step->has_prev = true;
			step->prev = *op->remap.prev;
		}
		if (op->remap.next) {
			step->has_next = true;
			step->next = *op->remap.next;
		}
		break;
	case DRM_GPUVA_OP_UNMAP:
		step->va = op->unmap.va;
		step->keep = op->unmap.keep;
		break;
	default:
		break;
	}
}

/* Apply a step to the VA space, the way a driver would. */
static int gpuvm_test_apply(struct gpuvm_test_priv *priv,
			    struct drm_gpuva_op *op)
{
	struct drm_gpuva *va, *prev = NULL, *next = NULL;

	switch (op->op) {
	case DRM_GPUVA_OP_MAP:
		va = kunit_kzalloc(priv->test, sizeof(*va), GFP_KERNEL);
		if (!va)
			return -ENOMEM;
		drm_gpuva_map(priv->sm_vm, va, &op->map);
		return 0;
	case DRM_GPUVA_OP_REMAP:
		if (op->remap.prev) {
			prev = kunit_kzalloc(priv->test, sizeof(*prev),
					     GFP_KERNEL);
			if (!prev)
				return -ENOMEM;
		}
		if (op->remap.next) {
			next = kunit_kzalloc(priv->test, sizeof(*next),
					     GFP_KERNEL);
			if (!next)
				return -ENOMEM;
		}
		drm_gpuva_remap(prev, next, &op->remap);
		return 0;
	case DRM_GPUVA_OP_UNMAP:
		drm_gpuva_unmap(&op->unmap);
		return 0;
	default:
		return -EINVAL;
	}
}

static int gpuvm_test_sm_step(struct drm_gpuva_op *op, void *data)
{
	struct gpuvm_test_priv *priv = data;

	if (priv->num_steps == priv->fail_step)
		return -ENOSPC;

	if (priv->num_steps >= TEST_MAX_STEPS)
		return -E2BIG;

	gpuvm_test_op_to_step(op, &priv->steps[priv->num_steps++]);

	return priv->apply ? gpuvm_test_apply(priv, op) : 0;
}

static const struct drm_gpuvm_ops gpuvm_test_ops = {
	.vm_free = gpuvm_test_vm_free,
	.op_alloc = gpuvm_test_op_alloc,
	.op_free = gpuvm_test_op_free,
	.vm_bo_alloc = gpuvm_test_vm_bo_alloc,
	.vm_bo_free = gpuvm_test_vm_bo_free,
	.va_alloc = gpuvm_test_va_alloc,
	.va_free = gpuvm_test_va_free,
	.vm_bo_validate = gpuvm_test_vm_bo_validate,
	.sm_step_map = gpuvm_test_sm_step,
	.sm_step_remap = gpuvm_test_sm_step,
	.sm_step_unmap = gpuvm_test_sm_step,
};

/*
 * Same driver without the optional ::op_alloc, ::op_free, ::va_alloc,
 * ::va_free, ::vm_bo_validate and ::sm_step_* ops.
 */
static const struct drm_gpuvm_ops gpuvm_test_ops_minimal = {
	.vm_free = gpuvm_test_vm_free,
	.vm_bo_alloc = gpuvm_test_vm_bo_alloc,
	.vm_bo_free = gpuvm_test_vm_bo_free,
};

/* A driver implementing ::va_free without ::va_alloc. */
static const struct drm_gpuvm_ops gpuvm_test_ops_va_free_only = {
	.vm_free = gpuvm_test_vm_free,
	.vm_bo_alloc = gpuvm_test_vm_bo_alloc,
	.vm_bo_free = gpuvm_test_vm_bo_free,
	.va_free = gpuvm_test_va_free_bare,
};

/* Lock @a and @b (which may be the same) with the full -EDEADLK backoff. */
static void gpuvm_test_lock_two(struct ww_acquire_ctx *ww, struct dma_resv *a,
				struct dma_resv *b)
{
	struct dma_resv *resv[2] = { a, b == a ? NULL : b };
	struct dma_resv *contended = NULL;
	unsigned int i, j;

	ww_acquire_init(ww, &reservation_ww_class);
retry:
	for (i = 0; i < ARRAY_SIZE(resv) && resv[i]; i++) {
		if (resv[i] == contended)
			continue;
		if (dma_resv_lock(resv[i], ww) != -EDEADLK)
			continue;
		for (j = 0; j < i; j++)
			if (resv[j] != contended)
				dma_resv_unlock(resv[j]);
		if (contended)
			dma_resv_unlock(contended);
		contended = resv[i];
		dma_resv_lock_slow(contended, ww);
		goto retry;
	}
	ww_acquire_done(ww);
}

static void gpuvm_test_unlock_two(struct ww_acquire_ctx *ww,
				  struct dma_resv *a, struct dma_resv *b)
{
	if (b != a)
		dma_resv_unlock(b);
	dma_resv_unlock(a);
	ww_acquire_fini(ww);
}

/*
 * The free path DRM_GPUVM_VA_WEAK_REF prescribes: with a VM reference, the
 * VMs' resv (all VMs of a test share one, which also protects their VA
 * trees) and the GEM's gpuva lock, its dma-resv, held, remove and unlink
 * each mapping of the GEM in every VM and drop the mappings' vm_bos. At
 * refcount zero, nothing else walks the GEM's list of vm_bos.
 */
static void gpuvm_test_weak_free_path(struct gpuvm_test_gem *gem)
{
	struct drm_gpuvm *vm = gem->weak_vm;
	struct drm_gem_object *obj = &gem->base;
	struct dma_resv *vm_resv = drm_gpuvm_resv(vm);
	struct drm_gpuvm_bo *vm_bo, *next_bo;
	struct drm_gpuva *va, *next;
	struct ww_acquire_ctx ww;

	if (gem->free_entered)
		complete(gem->free_entered);

	/* The last vm_bo may hold the last VM reference, the resv with it. */
	drm_gpuvm_get(vm);
	/* Without a ww_acquire_ctx, see the lock assertion tests. */
	if (gem->free_without_vm_resv)
		dma_resv_lock(obj->resv, NULL);
	else
		gpuvm_test_lock_two(&ww, vm_resv, obj->resv);

	drm_gem_for_each_gpuvm_bo_safe(vm_bo, next_bo, obj) {
		drm_gpuvm_bo_get(vm_bo);
		drm_gpuvm_bo_for_each_va_safe(va, next, vm_bo) {
			drm_gpuva_remove(va);
			drm_gpuva_unlink(va);
		}
		drm_gpuvm_bo_put(vm_bo);
	}

	if (gem->free_without_vm_resv)
		dma_resv_unlock(obj->resv);
	else
		gpuvm_test_unlock_two(&ww, vm_resv, obj->resv);
	drm_gpuvm_put(vm);
}

static void gpuvm_test_gem_release(struct gpuvm_test_gem *gem)
{
	struct gpuvm_test_priv *priv = gem->priv;

	spin_lock(&priv->live_lock);
	list_del(&gem->link);
	spin_unlock(&priv->live_lock);
	priv->obj_frees++;
	priv->obj_free_seq = ++priv->seq;
	drm_gem_object_release(&gem->base);
	kfree(gem);
}

/*
 * A work item or thread of the suite takes on the case it serves, so that a
 * KASAN or UBSAN report there fails the case as it would in the case's own
 * thread. It never asserts: only the case's own thread may abort the case.
 */
static struct kunit *gpuvm_test_adopt(struct kunit *test)
{
	struct kunit *prev = current->kunit_test;

	current->kunit_test = test;

	return prev;
}

static void gpuvm_test_gem_free_work(struct work_struct *work)
{
	struct gpuvm_test_gem *gem = container_of(work, struct gpuvm_test_gem,
						  free_work);
	struct gpuvm_test_priv *priv = gem->priv;
	struct kunit *prev = gpuvm_test_adopt(priv->test);

	gpuvm_test_weak_free_path(gem);
	gpuvm_test_gem_release(gem);
	current->kunit_test = prev;
	atomic_inc(&priv->frees_done);
	wake_up(&priv->frees_wait);
}

/*
 * The ::free of a GEM mapped in a weak-ref VM takes no lock: the last
 * reference may be dropped under the VM's resv (drm_exec_fini()) or in
 * reclaim. It queues the free path, as DRM_GPUVM_VA_WEAK_REF prescribes.
 */
static void gpuvm_test_gem_free(struct drm_gem_object *obj)
{
	struct gpuvm_test_gem *gem = container_of(obj, struct gpuvm_test_gem,
						  base);

	if (gem->weak_vm)
		gem->priv->free_vm_resv_locked =
			dma_resv_is_locked(drm_gpuvm_resv(gem->weak_vm));
	if (gem->weak_vm && !gem->free_inline) {
		atomic_inc(&gem->priv->frees_queued);
		INIT_WORK(&gem->free_work, gpuvm_test_gem_free_work);
		queue_work(gem->priv->free_wq, &gem->free_work);
		return;
	}

	if (gem->weak_vm)
		gpuvm_test_weak_free_path(gem);
	gpuvm_test_gem_release(gem);
}

static const struct drm_gem_object_funcs gpuvm_test_gem_funcs = {
	.free = gpuvm_test_gem_free,
};

static void gpuvm_test_track_obj(struct kunit *test,
				 struct drm_gem_object *obj)
{
	struct gpuvm_test_priv *priv = test->priv;

	KUNIT_ASSERT_LT(test, priv->num_objs, TEST_MAX_OBJS);
	priv->objs[priv->num_objs++] = obj;
}

/*
 * Make the ::free of @obj, which is mapped in the weak-ref VM @vm, queue the
 * free path that tears down its mappings.
 */
static struct gpuvm_test_gem *gpuvm_test_gem_weak(struct kunit *test,
						  struct drm_gem_object *obj,
						  struct drm_gpuvm *vm)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_gem *gem = container_of(obj, struct gpuvm_test_gem,
						  base);

	if (!priv->free_wq) {
		priv->free_wq = alloc_ordered_workqueue("gpuvm-test-free", 0);
		KUNIT_ASSERT_NOT_NULL(test, priv->free_wq);
	}
	gem->weak_vm = vm;

	return gem;
}

/* Wait until the free paths that ::free queued have released their GEMs. */
static void gpuvm_test_flush_frees(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;

	KUNIT_ASSERT_NE_MSG(test,
			    wait_event_timeout(priv->frees_wait,
					       atomic_read(&priv->frees_done) ==
					       atomic_read(&priv->frees_queued),
					       GPUVM_TEST_TIMEOUT),
			    0, "a queued GEM free path did not finish");
}

/*
 * Create a GEM object the test releases itself. A private object shares the
 * dma_resv of the VMs' resv object, anything else is an external object with
 * its own dma_resv.
 */
static struct drm_gem_object *gpuvm_test_gem_alloc(struct kunit *test,
						   bool private)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_gem *gem;

	gem = kzalloc_obj(*gem);
	KUNIT_ASSERT_NOT_NULL(test, gem);

	gem->priv = priv;
	gem->base.funcs = &gpuvm_test_gem_funcs;
	if (private)
		gem->base.resv = priv->r_obj->resv;
	drm_gem_private_object_init(priv->drm, &gem->base, SZ_64K);
	priv->obj_allocs++;
	spin_lock(&priv->live_lock);
	list_add_tail(&gem->link, &priv->gems);
	spin_unlock(&priv->live_lock);

	return &gem->base;
}

/* Whether @obj is a GEM of gpuvm_test_gem_alloc() not released yet. */
static bool gpuvm_test_gem_live(struct gpuvm_test_priv *priv,
				struct drm_gem_object *obj)
{
	struct gpuvm_test_gem *gem;

	spin_lock(&priv->live_lock);
	list_for_each_entry(gem, &priv->gems, link) {
		if (&gem->base == obj) {
			spin_unlock(&priv->live_lock);
			return true;
		}
	}
	spin_unlock(&priv->live_lock);

	return false;
}

/* Create a GEM object released by .exit, see gpuvm_test_gem_alloc(). */
static struct drm_gem_object *gpuvm_test_gem_create(struct kunit *test,
						    bool private)
{
	struct drm_gem_object *obj = gpuvm_test_gem_alloc(test, private);

	gpuvm_test_track_obj(test, obj);

	return obj;
}

static unsigned int gem_refs(struct drm_gem_object *obj)
{
	return kref_read(&obj->refcount);
}

/*
 * The number of GEM references a vm_bo of @vm holds, from the flags the
 * test created @vm with: none with DRM_GPUVM_VA_WEAK_REF, one without.
 */
static unsigned int vm_bo_gem_refs(struct drm_gpuvm *vm)
{
	return to_test_vm(vm)->flags & DRM_GPUVM_VA_WEAK_REF ? 0 : 1;
}

static struct drm_gpuvm *gpuvm_test_vm_init(struct kunit *test,
					    const char *name,
					    enum drm_gpuvm_flags flags,
					    u64 start, u64 range,
					    u64 rsv_start, u64 rsv_range,
					    const struct drm_gpuvm_ops *ops)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_vm *vm;

	vm = kzalloc_obj(*vm);
	KUNIT_ASSERT_NOT_NULL(test, vm);

	vm->priv = priv;
	vm->flags = flags;
	drm_gpuvm_init(&vm->base, name, flags, priv->drm, priv->r_obj,
		       start, range, rsv_start, rsv_range, ops);
	priv->vm_inits++;
	list_add_tail(&vm->link, &priv->vms);

	return &vm->base;
}

static struct drm_gpuvm *gpuvm_test_vm_create(struct kunit *test,
					      enum drm_gpuvm_flags flags)
{
	return gpuvm_test_vm_init(test, "gpuvm-test", flags,
				  TEST_VM_START, TEST_VM_RANGE,
				  TEST_RSV_START, TEST_RSV_RANGE,
				  &gpuvm_test_ops);
}

/*
 * Take every lock a driver holds around vm_bo and gpuva list updates: the
 * VM's dma_resv (needed with DRM_GPUVM_RESV_PROTECTED), the GEM's dma_resv
 * (the gpuva lock without DRM_GPUVM_IMMEDIATE_MODE) and, in immediate mode,
 * the GEM's gpuva.lock mutex.
 */
static void gpuvm_test_lock(struct kunit *test, struct drm_gpuvm *vm,
			    struct drm_gem_object *obj)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct dma_resv *resv[2], *contended = NULL;
	unsigned int i, j, n = 0;
	int ret;

	priv->locked_vm_resv = drm_gpuvm_resv(vm);
	priv->locked_obj_resv = NULL;
	priv->locked_gpuva = NULL;

	resv[n++] = priv->locked_vm_resv;
	if (obj && obj->resv != priv->locked_vm_resv) {
		priv->locked_obj_resv = obj->resv;
		resv[n++] = obj->resv;
	}

	/*
	 * Nothing else contends, but CONFIG_DEBUG_WW_MUTEX_SLOWPATH injects
	 * -EDEADLK, so do the full backoff dance.
	 */
	ww_acquire_init(&priv->ww, &reservation_ww_class);
retry:
	for (i = 0; i < n; i++) {
		if (resv[i] == contended)
			continue;

		ret = dma_resv_lock(resv[i], &priv->ww);
		if (!ret)
			continue;

		for (j = 0; j < i; j++)
			if (resv[j] != contended)
				dma_resv_unlock(resv[j]);
		if (contended)
			dma_resv_unlock(contended);
		if (ret != -EDEADLK) {
			/* The assert ends the test with nothing locked. */
			ww_acquire_fini(&priv->ww);
			KUNIT_ASSERT_EQ(test, ret, 0);
		}
		contended = resv[i];
		dma_resv_lock_slow(contended, &priv->ww);
		goto retry;
	}
	ww_acquire_done(&priv->ww);

	if (obj && drm_gpuvm_immediate_mode(vm)) {
		priv->locked_gpuva = &obj->gpuva.lock;
		mutex_lock(priv->locked_gpuva);
	}
	priv->locked = true;
}

static void gpuvm_test_unlock(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;

	if (priv->locked_gpuva)
		mutex_unlock(priv->locked_gpuva);
	if (priv->locked_obj_resv)
		dma_resv_unlock(priv->locked_obj_resv);
	dma_resv_unlock(priv->locked_vm_resv);
	ww_acquire_fini(&priv->ww);
	priv->locked = false;
}

/* Link @va to @vm_bo under the locks the VM's mode requires. */
static void gpuvm_test_va_link(struct kunit *test, struct drm_gpuva *va,
			       struct drm_gpuvm_bo *vm_bo)
{
	gpuvm_test_lock(test, vm_bo->vm, vm_bo->obj);
	drm_gpuva_link(va, vm_bo);
	gpuvm_test_unlock(test);
}

/* Unlink @va under the locks the VM's mode requires. */
static void gpuvm_test_va_unlink(struct kunit *test, struct drm_gpuva *va)
{
	gpuvm_test_lock(test, va->vm, va->gem.obj);
	drm_gpuva_unlink(va);
	gpuvm_test_unlock(test);
}

/* Get the vm_bo for @obj the way the VM's mode requires. */
static struct drm_gpuvm_bo *gpuvm_test_bo_obtain(struct kunit *test,
						 struct drm_gpuvm *vm,
						 struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo;

	if (drm_gpuvm_immediate_mode(vm)) {
		vm_bo = drm_gpuvm_bo_create(vm, obj);
		KUNIT_ASSERT_NOT_NULL(test, vm_bo);
		vm_bo = drm_gpuvm_bo_obtain_prealloc(vm_bo);
	} else {
		gpuvm_test_lock(test, vm, obj);
		vm_bo = drm_gpuvm_bo_obtain_locked(vm, obj);
		gpuvm_test_unlock(test);
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm_bo);

	return vm_bo;
}

static bool gpuvm_test_bo_put(struct kunit *test, struct drm_gpuvm_bo *vm_bo)
{
	bool freed;

	gpuvm_test_lock(test, vm_bo->vm, vm_bo->obj);
	freed = drm_gpuvm_bo_put(vm_bo);
	gpuvm_test_unlock(test);

	return freed;
}

static struct drm_gpuva *gpuvm_test_va_insert(struct kunit *test,
					      struct drm_gpuvm *vm,
					      u64 addr, u64 range,
					      struct drm_gem_object *obj,
					      u64 offset)
{
	struct drm_gpuva *va;

	va = kunit_kzalloc(test, sizeof(*va), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, va);

	va->va.addr = addr;
	va->va.range = range;
	va->gem.obj = obj;
	va->gem.offset = offset;
	KUNIT_ASSERT_EQ(test, drm_gpuva_insert(vm, va), 0);

	return va;
}

/* Remove every mapping but the kernel reserved node. */
static void gpuvm_test_remove_all(struct drm_gpuvm *vm)
{
	struct drm_gpuva *va, *next;

	drm_gpuvm_for_each_va_range_safe(va, next, vm, TEST_RSV_END, TEST_VM_END)
		drm_gpuva_remove(va);
}

static bool vm_bo_on_list(struct list_head *entry, struct list_head *list)
{
	struct list_head *pos;

	list_for_each(pos, list)
		if (pos == entry)
			return true;

	return false;
}

static bool on_extobj_list(struct drm_gpuvm_bo *vm_bo)
{
	return vm_bo_on_list(&vm_bo->list.entry.extobj, &vm_bo->vm->extobj.list);
}

static bool on_evict_list(struct drm_gpuvm_bo *vm_bo)
{
	return vm_bo_on_list(&vm_bo->list.entry.evict, &vm_bo->vm->evict.list);
}

/* Allocate a VA with drm_gpuva_alloc() and insert it. */
static struct drm_gpuva *gpuvm_test_va_new(struct kunit *test,
					   struct drm_gpuvm *vm,
					   u64 addr, u64 range,
					   struct drm_gem_object *obj)
{
	struct drm_gpuva *va;

	va = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, va);

	va->va.addr = addr;
	va->va.range = range;
	va->gem.obj = obj;
	KUNIT_ASSERT_EQ(test, drm_gpuva_insert(vm, va), 0);

	return va;
}

static unsigned int llist_count(struct llist_head *head)
{
	struct llist_node *node;
	unsigned int n = 0;

	llist_for_each(node, head->first)
		n++;

	return n;
}

/*
 * The last reference of @vm_bo is gone and it waits on its VM's bo_defer
 * list for drm_gpuvm_bo_deferred_cleanup().
 */
static bool vm_bo_queued(struct drm_gpuvm_bo *vm_bo)
{
	struct llist_node *node;

	if (kref_read(&vm_bo->kref))
		return false;

	llist_for_each(node, vm_bo->vm->bo_defer.first)
		if (node == &vm_bo->list.entry.bo_defer)
			return true;

	return false;
}

/*
 * Drop the VM of sm_setup() and its mappings. A case calls it last; .exit
 * calls it for a case that stopped early, so that a failed assert leaves no
 * VM, drm_device reference or mapping behind.
 */
static void sm_teardown(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;

	gpuvm_test_remove_all(priv->sm_vm);
	drm_gpuvm_put(priv->sm_vm);
	priv->sm_vm = NULL;
}

/*
 * Tear down a VM that a case left behind because it stopped early (a failed
 * assert): remove its mappings, drain what is deferred, drop the vm_bos of
 * the GEMs still alive and the VM's remaining references, so that nothing
 * of it outlives the case. A VM that still maps a released GEM is left as
 * it is: any teardown would touch freed memory. .exit has already failed
 * the case.
 */
static void gpuvm_test_vm_reap(struct kunit *test, struct drm_gpuvm *vm)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_gem *gem, *tmp;
	struct drm_gpuva *va, *next;
	unsigned int refs;

	drm_gpuvm_for_each_va(va, vm) {
		if (va->gem.obj && !gpuvm_test_gem_live(priv, va->gem.obj)) {
			KUNIT_FAIL(test, "a VA maps a released GEM, its VM is left as it is");
			return;
		}
	}
	drm_gpuvm_for_each_va_safe(va, next, vm) {
		if (va == &vm->kernel_alloc_node)
			continue;
		if (va->vm_bo)
			gpuvm_test_va_unlink(test, va);
		drm_gpuva_remove(va);
	}
	if (drm_gpuvm_immediate_mode(vm))
		drm_gpuvm_bo_deferred_cleanup(vm);

	/* The vm_bos: drop every reference the case still holds. */
	list_for_each_entry_safe(gem, tmp, &priv->gems, link) {
		struct drm_gem_object *obj = &gem->base;
		struct drm_gpuvm_bo *vm_bo;

		/* Alive until its last vm_bo is gone; its free path is queued. */
		if (!kref_get_unless_zero(&obj->refcount))
			continue;
		for (;;) {
			gpuvm_test_lock(test, vm, obj);
			vm_bo = drm_gpuvm_bo_find(vm, obj);
			gpuvm_test_unlock(test);
			if (!vm_bo)
				break;
			refs = kref_read(&vm_bo->kref);
			while (refs-- && !gpuvm_test_bo_put(test, vm_bo))
				;
		}
		drm_gem_object_put(obj);
	}

	refs = kref_read(&vm->kref);
	while (refs--)
		drm_gpuvm_put(vm);
}

/*
 * Whether .exit may tear down what the case left. Not when the case stopped
 * with the locks of gpuvm_test_lock() held: its dead thread still holds
 * them, and taking them again would hang. Nor while a thread that the case
 * started still runs. What the case allocated outside KUnit's resources is
 * then leaked; lockdep, which saw a thread exit with locks held, is off for
 * the rest of the boot, and a thread that outlives the wait may still touch
 * the case's memory, which KUnit frees after .exit.
 */
static bool gpuvm_test_can_reap(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	unsigned long timeout = jiffies + GPUVM_TEST_TIMEOUT;

	while (atomic_read_acquire(&priv->threads) &&
	       time_before(jiffies, timeout))
		msleep(20);
	if (atomic_read_acquire(&priv->threads)) {
		KUNIT_FAIL(test, "a thread of the case still runs, nothing is torn down");
		return false;
	}

	if (priv->locked) {
		KUNIT_FAIL(test, "the case stopped with its locks held, nothing is torn down");
		return false;
	}

	return true;
}

/*
 * Release the mappings of ::va_alloc that nothing holds any more once the VMs
 * are torn down: those a case removed and never freed.
 */
static void gpuvm_test_reap_vas(struct gpuvm_test_priv *priv)
{
	struct gpuvm_test_va *tva, *tmp;

	list_for_each_entry_safe(tva, tmp, &priv->tvas, link)
		gpuvm_test_va_release(priv, &tva->base);
}

static int gpuvm_test_init(struct kunit *test)
{
	struct gpuvm_test_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	test->priv = priv;
	priv->test = test;
	priv->lockdep_on = debug_locks;
	INIT_LIST_HEAD(&priv->vms);
	INIT_LIST_HEAD(&priv->gems);
	INIT_LIST_HEAD(&priv->tvas);
	spin_lock_init(&priv->live_lock);
	init_waitqueue_head(&priv->frees_wait);
	priv->fail_step = -1;
	priv->fail_op_alloc_at = UINT_MAX;

	priv->dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv->dev);

	priv->drm = __drm_kunit_helper_alloc_drm_device(test, priv->dev,
							sizeof(*priv->drm), 0,
							DRIVER_GEM);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv->drm);
	priv->drm_refs = kref_read(&priv->drm->ref);

	priv->r_obj = drm_gpuvm_resv_object_alloc(priv->drm);
	KUNIT_ASSERT_NOT_NULL(test, priv->r_obj);
	gpuvm_test_track_obj(test, priv->r_obj);
	WRITE_ONCE(gpuvm_test_running, priv);

	return 0;
}

/*
 * Runs after every test: no VM, vm_bo or GEM reference may be left behind,
 * whatever the test did. What a case left behind fails it, and is then torn
 * down, so that the next case starts clean.
 */
static void gpuvm_test_exit(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_vm *vm, *next;
	unsigned int i;

	if (!priv || !priv->drm)
		return;
	if (!gpuvm_test_can_reap(test))
		goto out;

	if (priv->sm_vm)
		sm_teardown(test);
	if (priv->free_wq)
		flush_workqueue(priv->free_wq);

	KUNIT_EXPECT_EQ_MSG(test, priv->vm_frees, priv->vm_inits,
			    "::vm_free must run once per VM");
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, priv->vm_bo_allocs,
			    "vm_bo leaked");
	KUNIT_EXPECT_EQ_MSG(test, priv->op_frees, priv->op_allocs,
			    "drm_gpuva_op leaked");
	KUNIT_EXPECT_EQ_MSG(test, priv->va_frees, priv->va_allocs,
			    "drm_gpuva leaked: allocs %u frees %u",
			    priv->va_allocs, priv->va_frees);
	KUNIT_EXPECT_EQ_MSG(test, priv->va_bad_cookies, 0,
			    "::va_free got a foreign drm_gpuva");
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&priv->drm->ref), priv->drm_refs,
			    "drm_device reference leaked");

	/* Only the test's own reference may be left on its GEM objects. */
	for (i = priv->num_objs; i-- > 0;)
		KUNIT_EXPECT_EQ_MSG(test, gem_refs(priv->objs[i]), 1,
				    "GEM object %u reference leaked", i);
	list_for_each_entry_safe(vm, next, &priv->vms, link)
		gpuvm_test_vm_reap(test, &vm->base);
	if (!list_empty(&priv->vms)) {
		/* Its mappings and GEMs stay as they are, with it. */
		KUNIT_FAIL(test, "a VM the case left was not torn down, nor is the rest");
		goto out;
	}
	gpuvm_test_reap_vas(priv);
	for (i = priv->num_objs; i-- > 0;)
		drm_gem_object_put(priv->objs[i]);
	if (priv->free_wq)
		destroy_workqueue(priv->free_wq);
	KUNIT_EXPECT_EQ_MSG(test, priv->obj_frees, priv->obj_allocs,
			    "GEM object not freed");
	/* A lockdep report turns lockdep off: it fails the test on its own. */
	KUNIT_EXPECT_TRUE_MSG(test, debug_locks || !priv->lockdep_on,
			      "lockdep reported a problem, see the kernel log");
out:
	WRITE_ONCE(gpuvm_test_running, NULL);
}

static struct drm_gpuvm *gpuvm_test_vm_create_ops(struct kunit *test,
						  const struct drm_gpuvm_ops *ops)
{
	return gpuvm_test_vm_init(test, "gpuvm-test", 0,
				  TEST_VM_START, TEST_VM_RANGE,
				  TEST_RSV_START, TEST_RSV_RANGE, ops);
}

/* The flag combinations the lifecycle tests run with. */
struct gpuvm_flags_param {
	const char *desc;
	enum drm_gpuvm_flags flags;
};

static const struct gpuvm_flags_param gpuvm_flags_params[] = {
	{ "none", 0 },
	{ "resv_protected", DRM_GPUVM_RESV_PROTECTED },
	{ "immediate", DRM_GPUVM_IMMEDIATE_MODE },
	{ "resv_protected|immediate",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_IMMEDIATE_MODE },
	{ "weak_ref", DRM_GPUVM_VA_WEAK_REF },
	{ "resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_flags, gpuvm_flags_params, desc);

/* The immediate mode subset, for the deferred paths. */
static const struct gpuvm_flags_param gpuvm_immediate_params[] = {
	{ "immediate", DRM_GPUVM_IMMEDIATE_MODE },
	{ "resv_protected|immediate",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_IMMEDIATE_MODE },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_immediate, gpuvm_immediate_params, desc);

/*
 * The combinations without immediate mode, for the functions that allocate
 * memory under the GEM's gpuva lock: in immediate mode that is gpuva.lock,
 * which the dma-fence signalling path takes as well.
 */
static const struct gpuvm_flags_param gpuvm_staged_params[] = {
	{ "none", 0 },
	{ "resv_protected", DRM_GPUVM_RESV_PROTECTED },
	{ "weak_ref", DRM_GPUVM_VA_WEAK_REF },
	{ "resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_staged, gpuvm_staged_params, desc);

static enum drm_gpuvm_flags param_flags(struct kunit *test)
{
	const struct gpuvm_flags_param *param = test->param_value;

	return param->flags;
}

/* drm_gpuvm_init() sets up the VM and drm_gpuvm_put() frees it once. */
static void drm_test_gpuvm_init_put(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	enum drm_gpuvm_flags flags = param_flags(test);
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, flags);

	KUNIT_EXPECT_STREQ(test, vm->name, "gpuvm-test");
	KUNIT_EXPECT_EQ(test, vm->flags, flags);
	KUNIT_EXPECT_EQ(test, vm->mm_start, TEST_VM_START);
	KUNIT_EXPECT_EQ(test, vm->mm_range, TEST_VM_RANGE);
	KUNIT_EXPECT_PTR_EQ(test, vm->drm, priv->drm);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuvm_resv_obj(vm), priv->r_obj);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_resv_protected(vm),
			!!(flags & DRM_GPUVM_RESV_PROTECTED));
	KUNIT_EXPECT_EQ(test, drm_gpuvm_immediate_mode(vm),
			!!(flags & DRM_GPUVM_IMMEDIATE_MODE));
	KUNIT_EXPECT_EQ(test, drm_gpuvm_va_weak_ref(vm),
			!!(flags & DRM_GPUVM_VA_WEAK_REF));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(priv->r_obj), 2);
	KUNIT_EXPECT_EQ(test, kref_read(&priv->drm->ref), priv->drm_refs + 1);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_RSV_START,
						 TEST_RSV_RANGE),
			    &vm->kernel_alloc_node);

	drm_gpuvm_put(vm);

	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(priv->r_obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&priv->drm->ref), priv->drm_refs);
}

/* A VM initialised without a name is called "unknown". */
static void drm_test_gpuvm_init_default_name(struct kunit *test)
{
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_init(test, NULL, 0, TEST_VM_START, TEST_VM_RANGE,
				0, 0, &gpuvm_test_ops);
	KUNIT_EXPECT_STREQ(test, vm->name, "unknown");
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_get() keeps the VM alive until the last drm_gpuvm_put(). */
static void drm_test_gpuvm_get_put(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));

	KUNIT_EXPECT_PTR_EQ(test, drm_gpuvm_get(vm), vm);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);

	drm_gpuvm_put(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	drm_gpuvm_put(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
}

/* Each inserted VA holds a VM reference, freeing the VM on its removal. */
static void drm_test_gpuvm_va_holds_vm_ref(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, NULL, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);

	drm_gpuvm_put(vm);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_frees, 0,
			    "VM freed while a VA is still inserted");
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	drm_gpuva_remove(va);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
}

/* Ranges inside the VM and outside the kernel node are valid. */
static void drm_test_gpuvm_range_valid_inside(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_VA_BASE,
						      SZ_64K));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_RSV_END,
						      TEST_VM_END -
						      TEST_RSV_END));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_VM_END - SZ_4K,
						      SZ_4K));
	drm_gpuvm_put(vm);
}

/*
 * A zero sized range is not rejected as such: it is valid inside the VM and
 * invalid outside of it.
 */
static void drm_test_gpuvm_range_valid_zero_range(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_VA_BASE, 0));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, 0, 0));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VM_END + SZ_4K,
						       0));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_RSV_START + SZ_4K,
						       0));
	drm_gpuvm_put(vm);
}

/* A range whose end overflows u64 is invalid. */
static void drm_test_gpuvm_range_valid_overflow(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, U64_MAX, 1));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, U64_MAX - SZ_4K + 1,
						       SZ_8K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VA_BASE,
						       U64_MAX));
	drm_gpuvm_put(vm);
}

/* Ranges leaving the VM on either side are invalid. */
static void drm_test_gpuvm_range_valid_outside(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, 0, SZ_4K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VM_START - SZ_4K,
						       SZ_8K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VM_END - SZ_4K,
						       SZ_8K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VM_END, SZ_4K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VM_START,
						       TEST_VM_RANGE + 1));
	drm_gpuvm_put(vm);
}

/* Any overlap with the kernel reserved node is invalid, adjacency is not. */
static void drm_test_gpuvm_range_valid_kernel_node(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_RSV_START,
						       TEST_RSV_RANGE));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_RSV_START + SZ_4K,
						       SZ_4K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_RSV_END - SZ_4K,
						       SZ_8K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VM_START,
						       TEST_VM_RANGE));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_RSV_END, SZ_4K));
	drm_gpuvm_put(vm);

	/* A node inside the VM: a range may end where it starts. */
	vm = gpuvm_test_vm_init(test, "node-inside", 0, TEST_VM_START,
				TEST_VM_RANGE, TEST_VA_BASE, TEST_UNIT,
				&gpuvm_test_ops);
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_VA_BASE - SZ_4K,
						      SZ_4K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, TEST_VA_BASE - SZ_4K,
						       SZ_8K));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_VA_BASE + TEST_UNIT,
						      SZ_4K));
	drm_gpuvm_put(vm);
}

/* Without a reserved node the whole VM is valid and empty. */
static void drm_test_gpuvm_range_valid_no_reserve(struct kunit *test)
{
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_init(test, "no-reserve", 0, TEST_VM_START,
				TEST_VM_RANGE, 0, 0, &gpuvm_test_ops);
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_range_valid(vm, TEST_VM_START,
						      TEST_VM_RANGE));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_interval_empty(vm, TEST_VM_START,
							 TEST_VM_RANGE));
	drm_gpuvm_put(vm);
}

/* drm_gpuva_insert() links the VA into the VM, drm_gpuva_find() is exact. */
static void drm_test_gpuvm_va_insert_find(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *va;

	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, NULL, 0);

	KUNIT_EXPECT_PTR_EQ(test, va->vm, vm);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_VA_BASE, SZ_64K), va);
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_VA_BASE, SZ_32K));
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_VA_BASE + SZ_4K,
					       SZ_64K - SZ_4K));
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_VA_BASE + SZ_64K,
					       SZ_64K));

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* Overlapping inserts fail with -EEXIST and take no VM reference. */
static void drm_test_gpuvm_va_insert_eexist(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *va, *dup;

	va = gpuvm_test_va_insert(test, vm, TEST_ADDR(1), 2 * TEST_UNIT,
				  NULL, 0);
	dup = kunit_kzalloc(test, sizeof(*dup), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dup);

	dup->va.addr = TEST_ADDR(1);
	dup->va.range = 2 * TEST_UNIT;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, dup), -EEXIST);

	dup->va.addr = TEST_ADDR(0);
	dup->va.range = TEST_UNIT + 1;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, dup), -EEXIST);

	dup->va.addr = TEST_ADDR(3) - 1;
	dup->va.range = TEST_UNIT;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, dup), -EEXIST);

	dup->va.addr = TEST_ADDR(0);
	dup->va.range = 4 * TEST_UNIT;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, dup), -EEXIST);

	KUNIT_EXPECT_NULL(test, dup->vm);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find_first(vm, TEST_ADDR(0),
						       4 * TEST_UNIT), va);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* Inserts outside the VM, over the kernel node or overflowing fail. */
static void drm_test_gpuvm_va_insert_einval(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *va;

	va = kunit_kzalloc(test, sizeof(*va), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, va);

	va->va.addr = TEST_VM_END;
	va->va.range = SZ_64K;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, va), -EINVAL);

	va->va.addr = TEST_RSV_START;
	va->va.range = SZ_4K;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, va), -EINVAL);

	va->va.addr = U64_MAX - SZ_4K + 1;
	va->va.range = SZ_8K;
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, va), -EINVAL);

	KUNIT_EXPECT_NULL(test, va->vm);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	drm_gpuvm_put(vm);
}

/* Adjacent mappings do not overlap. */
static void drm_test_gpuvm_va_insert_adjacent(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *a, *b;

	a = gpuvm_test_va_insert(test, vm, TEST_ADDR(1), TEST_UNIT, NULL, 0);
	b = gpuvm_test_va_insert(test, vm, TEST_ADDR(2), TEST_UNIT, NULL, 0);

	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_ADDR(1), TEST_UNIT), a);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_ADDR(2), TEST_UNIT), b);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 3);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* drm_gpuva_remove() unlinks the VA and drops its VM reference. */
static void drm_test_gpuvm_va_remove(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *va;

	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, NULL, 0);
	drm_gpuva_remove(va);

	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_VA_BASE, SZ_64K));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_interval_empty(vm, TEST_VA_BASE,
							 SZ_64K));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	/* The same range can be used again. */
	KUNIT_EXPECT_EQ(test, drm_gpuva_insert(vm, va), 0);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_VA_BASE, SZ_64K), va);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* drm_gpuva_find_first() returns the lowest VA overlapping the range. */
static void drm_test_gpuvm_va_find_first(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *a, *b;

	b = gpuvm_test_va_insert(test, vm, TEST_ADDR(5), TEST_UNIT, NULL, 0);
	a = gpuvm_test_va_insert(test, vm, TEST_ADDR(2), TEST_UNIT, NULL, 0);

	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find_first(vm, TEST_ADDR(0),
						       10 * TEST_UNIT), a);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find_first(vm, TEST_ADDR(3) - 1,
						       10 * TEST_UNIT), a);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find_first(vm, TEST_ADDR(3),
						       10 * TEST_UNIT), b);
	KUNIT_EXPECT_NULL(test, drm_gpuva_find_first(vm, TEST_ADDR(0),
						     2 * TEST_UNIT));
	KUNIT_EXPECT_NULL(test, drm_gpuva_find_first(vm, TEST_ADDR(6),
						     TEST_UNIT));
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find_first(vm, TEST_RSV_START, 1),
			    &vm->kernel_alloc_node);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_interval_empty() is exact at the VA's boundaries. */
static void drm_test_gpuvm_interval_empty(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_interval_empty(vm, TEST_ADDR(0),
							 4 * TEST_UNIT));
	gpuvm_test_va_insert(test, vm, TEST_ADDR(1), TEST_UNIT, NULL, 0);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_interval_empty(vm, TEST_ADDR(0),
							 TEST_UNIT));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_interval_empty(vm, TEST_ADDR(2),
							 TEST_UNIT));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_interval_empty(vm, TEST_ADDR(0),
							  TEST_UNIT + 1));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_interval_empty(vm, TEST_ADDR(2) - 1,
							  TEST_UNIT));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_interval_empty(vm, TEST_ADDR(1) + SZ_4K,
							  SZ_4K));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_interval_empty(vm, TEST_RSV_START,
							  SZ_4K));

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/*
 * The VA iterators walk in address order whatever the insertion order, the
 * full walk including the kernel reserved node.
 */
static void drm_test_gpuvm_va_iter_order(struct kunit *test)
{
	static const unsigned int units[] = { 4, 0, 2 };
	static const unsigned int sorted[] = { 0, 2, 4 };
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuva *va;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(units); i++)
		gpuvm_test_va_insert(test, vm, TEST_ADDR(units[i]), TEST_UNIT,
				     NULL, 0);

	i = 0;
	drm_gpuvm_for_each_va_range(va, vm, TEST_ADDR(0), TEST_ADDR(5)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(sorted));
		KUNIT_EXPECT_EQ_MSG(test, va->va.addr, TEST_ADDR(sorted[i]),
				    "VA %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(sorted));

	/* A range starting inside a VA begins with that VA. */
	i = 1;
	drm_gpuvm_for_each_va_range(va, vm, TEST_ADDR(2) + SZ_4K, TEST_ADDR(5)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(sorted));
		KUNIT_EXPECT_EQ_MSG(test, va->va.addr, TEST_ADDR(sorted[i]),
				    "VA %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(sorted));

	i = 0;
	drm_gpuvm_for_each_va(va, vm) {
		if (i == 0)
			KUNIT_EXPECT_PTR_EQ(test, va, &vm->kernel_alloc_node);
		else if (i <= ARRAY_SIZE(sorted))
			KUNIT_EXPECT_EQ_MSG(test, va->va.addr,
					    TEST_ADDR(sorted[i - 1]), "VA %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(sorted) + 1);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuva_alloc() calls ::va_alloc of its VM once, returns its pointer with
 * va->vm set and everything else zero; drm_gpuva_free() hands it to ::va_free
 * of the VM it is given, not of va->vm.
 */
static void drm_test_gpuvm_va_alloc_callback(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm, *other;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, 0);
	other = gpuvm_test_vm_create_ops(test, &gpuvm_test_ops_minimal);
	va = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, va);

	KUNIT_EXPECT_EQ_MSG(test, priv->va_alloc_calls, 1,
			    "::va_alloc ran %u times", priv->va_alloc_calls);
	KUNIT_EXPECT_PTR_EQ(test, priv->last_va_alloc_vm, vm);
	KUNIT_EXPECT_PTR_EQ(test, va, priv->last_va_alloc);
	KUNIT_EXPECT_PTR_EQ(test, va->vm, vm);
	KUNIT_EXPECT_NULL(test, va->vm_bo);
	KUNIT_EXPECT_NULL(test, va->gem.obj);
	KUNIT_EXPECT_EQ(test, va->va.addr, 0);
	KUNIT_EXPECT_EQ(test, va->va.range, 0);
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm->kref), 1,
			    "an allocated VA holds no VM reference: %u",
			    kref_read(&vm->kref));
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);

	/* A removed VA's vm pointer is stale; drm_gpuva_free() ignores it. */
	va->vm = other;
	drm_gpuva_free(vm, va);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	KUNIT_EXPECT_PTR_EQ(test, priv->last_va_free_vm, vm);
	drm_gpuvm_put(other);
	drm_gpuvm_put(vm);
}

/* A ::va_alloc returning NULL makes drm_gpuva_alloc() return NULL. */
static void drm_test_gpuvm_va_alloc_enomem(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, 0);
	priv->fail_va_alloc = true;

	KUNIT_EXPECT_NULL(test, drm_gpuva_alloc(vm));
	KUNIT_EXPECT_EQ_MSG(test, priv->va_alloc_calls, 1,
			    "::va_alloc ran %u times", priv->va_alloc_calls);
	KUNIT_EXPECT_EQ(test, priv->va_allocs, 0);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * Without ::va_alloc and ::va_free, drm_gpuva_alloc() returns zeroed memory
 * with va->vm set, and drm_gpuva_free() kfree()s it.
 */
static void drm_test_gpuvm_va_alloc_default(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva expected;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create_ops(test, &gpuvm_test_ops_minimal);
	va = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, va);

	memset(&expected, 0, sizeof(expected));
	expected.vm = vm;
	KUNIT_EXPECT_MEMEQ(test, va, &expected, sizeof(expected));
	KUNIT_EXPECT_EQ(test, priv->va_alloc_calls, 0);

	drm_gpuva_free(vm, va);
	KUNIT_EXPECT_EQ(test, priv->va_frees + priv->va_bare_frees, 0);
	drm_gpuvm_put(vm);
}

/*
 * ::va_free is called once with the pointer drm_gpuva_alloc() returned; the
 * driver structure embeds it at a non-zero offset.
 */
static void drm_test_gpuvm_va_free_callback(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	KUNIT_ASSERT_NE(test, offsetof(struct gpuvm_test_va, base), 0);

	vm = gpuvm_test_vm_create(test, 0);
	va = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, va);

	drm_gpuva_free(vm, va);
	KUNIT_EXPECT_EQ_MSG(test, priv->va_frees, 1, "::va_free ran %u times",
			    priv->va_frees);
	KUNIT_EXPECT_PTR_EQ(test, priv->last_va_free, va);
	KUNIT_EXPECT_EQ(test, priv->va_bare_frees, 0);
	drm_gpuvm_put(vm);
}

/* ::va_free without ::va_alloc gets the VA drm_gpuva_alloc() kzalloc()ed. */
static void drm_test_gpuvm_va_free_without_va_alloc(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create_ops(test, &gpuvm_test_ops_va_free_only);
	va = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_PTR_EQ(test, va->vm, vm);
	KUNIT_EXPECT_EQ(test, priv->va_alloc_calls, 0);

	drm_gpuva_free(vm, va);
	KUNIT_EXPECT_EQ_MSG(test, priv->va_bare_frees, 1,
			    "::va_free ran %u times", priv->va_bare_frees);
	KUNIT_EXPECT_PTR_EQ(test, priv->last_va_free, va);
	drm_gpuvm_put(vm);
}

/* drm_gpuva_free() of a NULL VA is a documented no-op. */
static void drm_test_gpuvm_va_free_null(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, 0);
	drm_gpuva_free(vm, NULL);
	KUNIT_EXPECT_EQ(test, priv->va_frees + priv->va_bare_frees, 0);
	drm_gpuvm_put(vm);
}

/*
 * A VA from drm_gpuva_alloc() goes through insert, link, unlink and remove
 * like any other, and drm_gpuva_free() frees it once afterwards.
 */
static void drm_test_gpuvm_va_alloc_lifecycle(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	va = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, va);
	va->va.addr = TEST_VA_BASE;
	va->va.range = SZ_64K;
	va->gem.obj = obj;
	KUNIT_ASSERT_EQ(test, drm_gpuva_insert(vm, va), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 3);

	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_EXPECT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));

	gpuvm_test_va_unlink(test, va);
	drm_gpuva_remove(va);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);

	drm_gpuva_free(vm, va);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	drm_gpuvm_put(vm);
}

static struct kunit_case drm_gpuvm_tests[] = {
	KUNIT_CASE_PARAM(drm_test_gpuvm_init_put, gpuvm_flags_gen_params),
	KUNIT_CASE(drm_test_gpuvm_init_default_name),
	KUNIT_CASE_PARAM(drm_test_gpuvm_get_put, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_va_holds_vm_ref, gpuvm_flags_gen_params),
	KUNIT_CASE(drm_test_gpuvm_range_valid_inside),
	KUNIT_CASE(drm_test_gpuvm_range_valid_zero_range),
	KUNIT_CASE(drm_test_gpuvm_range_valid_overflow),
	KUNIT_CASE(drm_test_gpuvm_range_valid_outside),
	KUNIT_CASE(drm_test_gpuvm_range_valid_kernel_node),
	KUNIT_CASE(drm_test_gpuvm_range_valid_no_reserve),
	KUNIT_CASE(drm_test_gpuvm_va_insert_find),
	KUNIT_CASE(drm_test_gpuvm_va_insert_eexist),
	KUNIT_CASE(drm_test_gpuvm_va_insert_einval),
	KUNIT_CASE(drm_test_gpuvm_va_insert_adjacent),
	KUNIT_CASE(drm_test_gpuvm_va_remove),
	KUNIT_CASE(drm_test_gpuvm_va_find_first),
	KUNIT_CASE(drm_test_gpuvm_interval_empty),
	KUNIT_CASE(drm_test_gpuvm_va_iter_order),
	KUNIT_CASE(drm_test_gpuvm_va_alloc_callback),
	KUNIT_CASE(drm_test_gpuvm_va_alloc_enomem),
	KUNIT_CASE(drm_test_gpuvm_va_alloc_default),
	KUNIT_CASE(drm_test_gpuvm_va_free_callback),
	KUNIT_CASE(drm_test_gpuvm_va_free_without_va_alloc),
	KUNIT_CASE(drm_test_gpuvm_va_free_null),
	KUNIT_CASE_PARAM(drm_test_gpuvm_va_alloc_lifecycle,
			 gpuvm_flags_gen_params),
	{}
};

static struct kunit_suite drm_gpuvm_test_suite = {
	.name = "drm_gpuvm",
	.init = gpuvm_test_init,
	.exit = gpuvm_test_exit,
	.test_cases = drm_gpuvm_tests,
};

/*
 * Split and merge. Each case describes the VA space before the request, the
 * request, the exact sequence of steps drm_gpuvm must report and the VA
 * space after a driver applied those steps. Addresses are in TEST_UNITs.
 */
struct gpuvm_test_map {
	unsigned int start;
	unsigned int end;
	enum gpuvm_sm_bo bo;
	u64 offset;
};

struct gpuvm_test_op {
	enum drm_gpuva_op_type op;
	struct gpuvm_test_map map;
	unsigned int va;
	bool keep;
	struct gpuvm_test_map prev;
	struct gpuvm_test_map next;
};

struct gpuvm_sm_case {
	const char *desc;
	struct gpuvm_test_map old[TEST_MAX_MAPS];
	struct gpuvm_test_map req;
	unsigned int num_ops;
	struct gpuvm_test_op ops[TEST_MAX_MAPS];
	struct gpuvm_test_map new[TEST_MAX_MAPS];
};

#define TMAP(s, e, b, o)						\
	{ .start = (s), .end = (e), .bo = (b), .offset = (o) }

#define OP_MAP(s, e, b, o)						\
	{ .op = DRM_GPUVA_OP_MAP, .map = TMAP(s, e, b, o) }

#define OP_UNMAP(i, k)							\
	{ .op = DRM_GPUVA_OP_UNMAP, .va = (i), .keep = (k) }

#define OP_REMAP(i, k, p, n)						\
	{ .op = DRM_GPUVA_OP_REMAP, .va = (i), .keep = (k),		\
	  .prev = p, .next = n }

#define NO_MAP	{ }

static const struct gpuvm_sm_case gpuvm_sm_map_cases[] = {
	{
		.desc = "1: identical, keep",
		.old = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, true),
			OP_MAP(0, 1, TBO_A, TEST_OFF_N(0)),
		},
		.new = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "2: identical but bo offset",
		.old = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_A, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, false),
			OP_MAP(0, 1, TBO_A, TEST_OFF_M(0)),
		},
		.new = { TMAP(0, 1, TBO_A, TEST_OFF_M(0)) },
	}, {
		.desc = "3: identical but bo",
		.old = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_B, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, false),
			OP_MAP(0, 1, TBO_B, TEST_OFF_N(0)),
		},
		.new = { TMAP(0, 1, TBO_B, TEST_OFF_N(0)) },
	}, {
		.desc = "4: old is left aligned subset, keep",
		.old = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, true),
			OP_MAP(0, 2, TBO_A, TEST_OFF_N(0)),
		},
		.new = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "4: old is left aligned subset, other bo",
		.old = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 2, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, false),
			OP_MAP(0, 2, TBO_B, TEST_OFF_M(0)),
		},
		.new = { TMAP(0, 2, TBO_B, TEST_OFF_M(0)) },
	}, {
		.desc = "5: req is left aligned subset, other bo",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_B, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, NO_MAP,
				 TMAP(1, 2, TBO_A, TEST_OFF_N(1))),
			OP_MAP(0, 1, TBO_B, TEST_OFF_N(0)),
		},
		.new = {
			TMAP(0, 1, TBO_B, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
		},
	}, {
		.desc = "6: req is left aligned subset, keep",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, true, NO_MAP,
				 TMAP(1, 2, TBO_A, TEST_OFF_N(1))),
			OP_MAP(0, 1, TBO_A, TEST_OFF_N(0)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
		},
	}, {
		.desc = "7: req is right aligned subset, other bo",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 2, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
			OP_MAP(1, 2, TBO_B, TEST_OFF_M(0)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_B, TEST_OFF_M(0)),
		},
	}, {
		.desc = "8: req is right aligned subset, keep",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, true, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
			OP_MAP(1, 2, TBO_A, TEST_OFF_N(1)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
		},
	}, {
		.desc = "9: req overlaps the end, other bo",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 3, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
			OP_MAP(1, 3, TBO_B, TEST_OFF_M(0)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 3, TBO_B, TEST_OFF_M(0)),
		},
	}, {
		.desc = "10: req overlaps the end, keep",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 3, TBO_A, TEST_OFF_N(1)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, true, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
			OP_MAP(1, 3, TBO_A, TEST_OFF_N(1)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 3, TBO_A, TEST_OFF_N(1)),
		},
	}, {
		.desc = "11: req is centered subset, other bo",
		.old = { TMAP(0, 3, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 2, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 TMAP(2, 3, TBO_A, TEST_OFF_N(2))),
			OP_MAP(1, 2, TBO_B, TEST_OFF_M(0)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_B, TEST_OFF_M(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
	}, {
		.desc = "12: req is centered subset, keep",
		.old = { TMAP(0, 3, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, true, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 TMAP(2, 3, TBO_A, TEST_OFF_N(2))),
			OP_MAP(1, 2, TBO_A, TEST_OFF_N(1)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
	}, {
		.desc = "13: old is right aligned subset, keep",
		.old = { TMAP(1, 2, TBO_A, TEST_OFF_N(1)) },
		.req = TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, true),
			OP_MAP(0, 2, TBO_A, TEST_OFF_N(0)),
		},
		.new = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "13: old is right aligned subset, other bo",
		.old = { TMAP(1, 2, TBO_A, TEST_OFF_N(1)) },
		.req = TMAP(0, 2, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, false),
			OP_MAP(0, 2, TBO_B, TEST_OFF_M(0)),
		},
		.new = { TMAP(0, 2, TBO_B, TEST_OFF_M(0)) },
	}, {
		.desc = "14: old is centered subset, keep",
		.old = { TMAP(1, 2, TBO_A, TEST_OFF_N(1)) },
		.req = TMAP(0, 3, TBO_A, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, true),
			OP_MAP(0, 3, TBO_A, TEST_OFF_N(0)),
		},
		.new = { TMAP(0, 3, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "14: old is centered subset, other bo",
		.old = { TMAP(1, 2, TBO_A, TEST_OFF_N(1)) },
		.req = TMAP(0, 3, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, false),
			OP_MAP(0, 3, TBO_B, TEST_OFF_M(0)),
		},
		.new = { TMAP(0, 3, TBO_B, TEST_OFF_M(0)) },
	}, {
		/* VA 2 is one unit into a, which starts at VA 1 with n. */
		.desc = "15: req overlaps the beginning, other bo",
		.old = { TMAP(1, 3, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 2, TBO_B, TEST_OFF_M(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, NO_MAP,
				 TMAP(2, 3, TBO_A, TEST_OFF_N(1))),
			OP_MAP(0, 2, TBO_B, TEST_OFF_M(0)),
		},
		.new = {
			TMAP(0, 2, TBO_B, TEST_OFF_M(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(1)),
		},
	}, {
		/*
		 * The same-BO, contiguous mirror of 10, which the DOC leaves
		 * out: a keeps its PTEs past the request.
		 */
		.desc = "15: req overlaps the beginning, keep",
		.old = { TMAP(1, 3, TBO_A, TEST_OFF_N(1)) },
		.req = TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, true, NO_MAP,
				 TMAP(2, 3, TBO_A, TEST_OFF_N(2))),
			OP_MAP(0, 2, TBO_A, TEST_OFF_N(0)),
		},
		.new = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
	}, {
		.desc = "empty VA space",
		.req = TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
		.num_ops = 1,
		.ops = { OP_MAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.new = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "neighbours are not merged",
		.old = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
		.req = TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
		.num_ops = 1,
		.ops = { OP_MAP(1, 2, TBO_A, TEST_OFF_N(1)) },
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 2, TBO_A, TEST_OFF_N(1)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
	}, {
		.desc = "two remaps around an unmap",
		.old = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_B, TEST_OFF_M(0)),
			TMAP(3, 5, TBO_A, TEST_OFF_N(3)),
		},
		.req = TMAP(1, 4, TBO_B, TEST_OFF_M(1)),
		.num_ops = 4,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
			OP_UNMAP(1, false),
			OP_REMAP(2, false, NO_MAP,
				 TMAP(4, 5, TBO_A, TEST_OFF_N(4))),
			OP_MAP(1, 4, TBO_B, TEST_OFF_M(1)),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(1, 4, TBO_B, TEST_OFF_M(1)),
			TMAP(4, 5, TBO_A, TEST_OFF_N(4)),
		},
	}, {
		.desc = "contiguous mappings are all kept",
		.old = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
		.req = TMAP(0, 3, TBO_A, TEST_OFF_N(0)),
		.num_ops = 3,
		.ops = {
			OP_UNMAP(0, true),
			OP_UNMAP(1, true),
			OP_MAP(0, 3, TBO_A, TEST_OFF_N(0)),
		},
		.new = { TMAP(0, 3, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "sparse mappings are never kept",
		.old = { TMAP(0, 1, TBO_NONE, 0) },
		.req = TMAP(0, 1, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_UNMAP(0, false),
			OP_MAP(0, 1, TBO_NONE, 0),
		},
		.new = { TMAP(0, 1, TBO_NONE, 0) },
	},
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_sm_map, gpuvm_sm_map_cases, desc);

/* For unmap requests only .req.start and .req.end matter. */
static const struct gpuvm_sm_case gpuvm_sm_unmap_cases[] = {
	{
		.desc = "exact",
		.old = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_NONE, 0),
		.num_ops = 1,
		.ops = { OP_UNMAP(0, false) },
	}, {
		.desc = "superset",
		.old = { TMAP(1, 2, TBO_A, TEST_OFF_N(1)) },
		.req = TMAP(0, 3, TBO_NONE, 0),
		.num_ops = 1,
		.ops = { OP_UNMAP(0, false) },
	}, {
		.desc = "left part",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(0, 1, TBO_NONE, 0),
		.num_ops = 1,
		.ops = {
			OP_REMAP(0, false, NO_MAP,
				 TMAP(1, 2, TBO_A, TEST_OFF_N(1))),
		},
		.new = { TMAP(1, 2, TBO_A, TEST_OFF_N(1)) },
	}, {
		.desc = "right part",
		.old = { TMAP(0, 2, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 2, TBO_NONE, 0),
		.num_ops = 1,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
		},
		.new = { TMAP(0, 1, TBO_A, TEST_OFF_N(0)) },
	}, {
		.desc = "middle part",
		.old = { TMAP(0, 3, TBO_A, TEST_OFF_N(0)) },
		.req = TMAP(1, 2, TBO_NONE, 0),
		.num_ops = 1,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 TMAP(2, 3, TBO_A, TEST_OFF_N(2))),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
	}, {
		.desc = "across three mappings",
		.old = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_B, TEST_OFF_M(0)),
			TMAP(3, 5, TBO_A, TEST_OFF_N(3)),
		},
		.req = TMAP(1, 4, TBO_NONE, 0),
		.num_ops = 3,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
				 NO_MAP),
			OP_UNMAP(1, false),
			OP_REMAP(2, false, NO_MAP,
				 TMAP(4, 5, TBO_A, TEST_OFF_N(4))),
		},
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(4, 5, TBO_A, TEST_OFF_N(4)),
		},
	}, {
		.desc = "hole",
		.old = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
		.req = TMAP(1, 2, TBO_NONE, 0),
		.num_ops = 0,
		.new = {
			TMAP(0, 1, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_A, TEST_OFF_N(2)),
		},
	}, {
		.desc = "sparse",
		.old = { TMAP(0, 2, TBO_NONE, 0) },
		.req = TMAP(0, 1, TBO_NONE, 0),
		.num_ops = 1,
		.ops = {
			OP_REMAP(0, false, NO_MAP,
				 TMAP(1, 2, TBO_NONE, 0)),
		},
		.new = { TMAP(1, 2, TBO_NONE, 0) },
	},
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_sm_unmap, gpuvm_sm_unmap_cases, desc);

static u64 map_addr(const struct gpuvm_test_map *m)
{
	return TEST_ADDR(m->start);
}

static u64 map_range(const struct gpuvm_test_map *m)
{
	return (u64)(m->end - m->start) * TEST_UNIT;
}

static struct drm_gem_object *sm_bo(struct gpuvm_test_priv *priv,
				    enum gpuvm_sm_bo bo)
{
	return bo == TBO_NONE ? NULL : priv->sm_bos[bo - TBO_A];
}

static unsigned int sm_num_maps(const struct gpuvm_test_map *maps)
{
	unsigned int i;

	for (i = 0; i < TEST_MAX_MAPS && maps[i].end; i++)
		;

	return i;
}

static void sm_expect_map(struct kunit *test, const char *what,
			  unsigned int i, const struct drm_gpuva_op_map *got,
			  const struct gpuvm_test_map *exp)
{
	struct gpuvm_test_priv *priv = test->priv;

	KUNIT_EXPECT_EQ_MSG(test, got->va.addr, map_addr(exp),
			    "%s %u: va.addr", what, i);
	KUNIT_EXPECT_EQ_MSG(test, got->va.range, map_range(exp),
			    "%s %u: va.range", what, i);
	KUNIT_EXPECT_PTR_EQ_MSG(test, got->gem.obj, sm_bo(priv, exp->bo),
				"%s %u: gem.obj", what, i);
	/* The DOC defines no offset for a mapping without a GEM object. */
	if (exp->bo != TBO_NONE)
		KUNIT_EXPECT_EQ_MSG(test, got->gem.offset, exp->offset,
				    "%s %u: gem.offset", what, i);
}

/* Set up the VM, the BOs and the old mappings of @c. */
static struct drm_gpuvm *sm_setup(struct kunit *test,
				  const struct gpuvm_sm_case *c,
				  struct drm_gpuva **old)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;
	unsigned int i;

	priv->sm_bos[0] = gpuvm_test_gem_create(test, false);
	priv->sm_bos[1] = gpuvm_test_gem_create(test, false);
	vm = gpuvm_test_vm_create(test, 0);
	priv->sm_vm = vm;

	for (i = 0; i < sm_num_maps(c->old); i++)
		old[i] = gpuvm_test_va_insert(test, vm, map_addr(&c->old[i]),
					      map_range(&c->old[i]),
					      sm_bo(priv, c->old[i].bo),
					      c->old[i].offset);

	return vm;
}

static void sm_check_steps(struct kunit *test, const struct gpuvm_sm_case *c,
			   struct drm_gpuva **old)
{
	struct gpuvm_test_priv *priv = test->priv;
	unsigned int i;

	KUNIT_ASSERT_EQ_MSG(test, priv->num_steps, c->num_ops,
			    "number of steps");

	for (i = 0; i < c->num_ops; i++) {
		const struct gpuvm_test_step *step = &priv->steps[i];
		const struct gpuvm_test_op *exp = &c->ops[i];

		KUNIT_EXPECT_EQ_MSG(test, step->op, exp->op, "step %u: op", i);
		if (step->op != exp->op)
			continue;

		switch (exp->op) {
		case DRM_GPUVA_OP_MAP:
			sm_expect_map(test, "map", i, &step->map, &exp->map);
			break;
		case DRM_GPUVA_OP_REMAP:
			KUNIT_EXPECT_EQ_MSG(test, step->has_prev,
					    !!exp->prev.end,
					    "step %u: remap.prev", i);
			if (step->has_prev && exp->prev.end)
				sm_expect_map(test, "remap.prev", i,
					      &step->prev, &exp->prev);
			KUNIT_EXPECT_EQ_MSG(test, step->has_next,
					    !!exp->next.end,
					    "step %u: remap.next", i);
			if (step->has_next && exp->next.end)
				sm_expect_map(test, "remap.next", i,
					      &step->next, &exp->next);
			fallthrough;
		case DRM_GPUVA_OP_UNMAP:
			KUNIT_EXPECT_PTR_EQ_MSG(test, step->va, old[exp->va],
						"step %u: unmap.va", i);
			KUNIT_EXPECT_EQ_MSG(test, step->keep, exp->keep,
					    "step %u: unmap.keep", i);
			break;
		default:
			KUNIT_FAIL(test, "step %u: unexpected op %d", i,
				   exp->op);
		}
	}
}

static void sm_check_layout(struct kunit *test, struct drm_gpuvm *vm,
			    const struct gpuvm_test_map *exp)
{
	unsigned int i = 0, num = sm_num_maps(exp);
	struct drm_gpuva *va;

	drm_gpuvm_for_each_va_range(va, vm, TEST_ADDR(0),
				    TEST_ADDR(TEST_SM_UNITS)) {
		struct drm_gpuva_op_map got = {
			.va.addr = va->va.addr,
			.va.range = va->va.range,
			.gem.obj = va->gem.obj,
			.gem.offset = va->gem.offset,
		};

		KUNIT_ASSERT_LT_MSG(test, i, num, "unexpected VA at 0x%llx",
				    va->va.addr);
		sm_expect_map(test, "va", i, &got, &exp[i]);
		i++;
	}
	KUNIT_EXPECT_EQ_MSG(test, i, num, "number of mappings");
}

static struct drm_gpuvm_map_req sm_req(struct gpuvm_test_priv *priv,
				       const struct gpuvm_test_map *m)
{
	struct drm_gpuvm_map_req req = {
		.map.va.addr = map_addr(m),
		.map.va.range = map_range(m),
		.map.gem.obj = sm_bo(priv, m->bo),
		.map.gem.offset = m->offset,
	};

	return req;
}

static void sm_ops_to_steps(struct kunit *test, struct drm_gpuva_ops *ops)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva_op *op;

	drm_gpuva_for_each_op(op, ops) {
		KUNIT_ASSERT_LT(test, priv->num_steps, TEST_MAX_STEPS);
		gpuvm_test_op_to_step(op, &priv->steps[priv->num_steps++]);
	}
}

/*
 * drm_gpuvm_sm_map() reports the documented steps and applying them gives
 * the documented VA space.
 */
static void drm_test_gpuvm_sm_map(struct kunit *test)
{
	const struct gpuvm_sm_case *c = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuvm_map_req req;
	struct drm_gpuvm *vm;

	vm = sm_setup(test, c, old);
	req = sm_req(priv, &c->req);
	priv->apply = true;

	KUNIT_ASSERT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), 0);
	sm_check_steps(test, c, old);
	sm_check_layout(test, vm, c->new);

	sm_teardown(test);
}

/* drm_gpuvm_sm_map_ops_create() lists the same steps, changing nothing. */
static void drm_test_gpuvm_sm_map_ops_create(struct kunit *test)
{
	const struct gpuvm_sm_case *c = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuvm_map_req req;
	struct drm_gpuva_ops *ops;
	struct drm_gpuvm *vm;

	vm = sm_setup(test, c, old);
	req = sm_req(priv, &c->req);

	ops = drm_gpuvm_sm_map_ops_create(vm, &req);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	sm_ops_to_steps(test, ops);
	drm_gpuva_ops_free(vm, ops);

	sm_check_steps(test, c, old);
	sm_check_layout(test, vm, c->old);

	sm_teardown(test);
}

/*
 * An error of the step callback at any step of a table case stops
 * drm_gpuvm_sm_map() or drm_gpuvm_sm_unmap() there and is returned, and so
 * is a failing ::op_alloc at any op of their *_ops_create() variant, which
 * frees the ops it made.
 */
static void sm_check_errors(struct kunit *test, bool unmap)
{
	const struct gpuvm_sm_case *c = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	u64 addr = map_addr(&c->req), range = map_range(&c->req);
	struct drm_gpuvm_map_req req;
	struct drm_gpuva_ops *ops;
	struct drm_gpuvm *vm;
	unsigned int k;
	int ret;

	vm = sm_setup(test, c, old);
	req = sm_req(priv, &c->req);

	for (k = 0; k < c->num_ops; k++) {
		priv->num_steps = 0;
		priv->fail_step = k;
		ret = unmap ? drm_gpuvm_sm_unmap(vm, priv, addr, range) :
			      drm_gpuvm_sm_map(vm, priv, &req);
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOSPC, "error at step %u", k);
		KUNIT_EXPECT_EQ_MSG(test, priv->num_steps, k,
				    "steps before the error at step %u", k);

		priv->op_alloc_calls = 0;
		priv->fail_op_alloc_at = k;
		ops = unmap ? drm_gpuvm_sm_unmap_ops_create(vm, addr, range) :
			      drm_gpuvm_sm_map_ops_create(vm, &req);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ops), -ENOMEM,
				    "::op_alloc failing at op %u", k);
		if (!IS_ERR(ops))
			drm_gpuva_ops_free(vm, ops);
		KUNIT_EXPECT_EQ_MSG(test, priv->op_frees, priv->op_allocs,
				    "ops leaked with ::op_alloc failing at op %u",
				    k);
	}
	priv->fail_step = -1;
	priv->fail_op_alloc_at = UINT_MAX;
	sm_check_layout(test, vm, c->old);

	sm_teardown(test);
}

static void drm_test_gpuvm_sm_map_errors(struct kunit *test)
{
	sm_check_errors(test, false);
}

/*
 * drm_gpuvm_sm_unmap() reports the expected steps and applying them gives
 * the expected VA space.
 */
static void drm_test_gpuvm_sm_unmap(struct kunit *test)
{
	const struct gpuvm_sm_case *c = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuvm *vm;

	vm = sm_setup(test, c, old);
	priv->apply = true;

	KUNIT_ASSERT_EQ(test, drm_gpuvm_sm_unmap(vm, priv,
						 map_addr(&c->req),
						 map_range(&c->req)), 0);
	sm_check_steps(test, c, old);
	sm_check_layout(test, vm, c->new);

	sm_teardown(test);
}

/* drm_gpuvm_sm_unmap_ops_create() lists the same steps, changing nothing. */
static void drm_test_gpuvm_sm_unmap_ops_create(struct kunit *test)
{
	const struct gpuvm_sm_case *c = test->param_value;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuva_ops *ops;
	struct drm_gpuvm *vm;

	vm = sm_setup(test, c, old);

	ops = drm_gpuvm_sm_unmap_ops_create(vm, map_addr(&c->req),
					    map_range(&c->req));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	sm_ops_to_steps(test, ops);
	drm_gpuva_ops_free(vm, ops);

	sm_check_steps(test, c, old);
	sm_check_layout(test, vm, c->old);

	sm_teardown(test);
}

static void drm_test_gpuvm_sm_unmap_errors(struct kunit *test)
{
	sm_check_errors(test, true);
}

/* Map requests over an invalid range fail before any step. */
static void drm_test_gpuvm_sm_map_invalid_range(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuvm_map_req req = {
		.map.va.addr = TEST_RSV_START,
		.map.va.range = SZ_4K,
	};

	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), -EINVAL);
	req.map.va.addr = TEST_VM_END;
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), -EINVAL);
	req.map.va.addr = U64_MAX;
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, priv->num_steps, 0);

	drm_gpuvm_put(vm);
}

/* Unmap requests over an invalid range fail before any step. */
static void drm_test_gpuvm_sm_unmap_invalid_range(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);

	gpuvm_test_va_insert(test, vm, TEST_VM_END - SZ_64K, SZ_64K, NULL, 0);

	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_unmap(vm, priv, TEST_VM_END - SZ_64K,
						 SZ_128K), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_unmap(vm, priv, TEST_RSV_START,
						 SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_unmap(vm, priv, U64_MAX, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, priv->num_steps, 0);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* The *_ops_create() variants report invalid ranges as ERR_PTR(-EINVAL). */
static void drm_test_gpuvm_sm_ops_create_invalid(struct kunit *test)
{
	struct drm_gpuvm *vm = gpuvm_test_vm_create(test, 0);
	struct drm_gpuvm_map_req req = {
		.map.va.addr = TEST_VM_END,
		.map.va.range = SZ_4K,
	};
	struct drm_gpuva_ops *ops;

	ops = drm_gpuvm_sm_map_ops_create(vm, &req);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ops), -EINVAL);
	ops = drm_gpuvm_sm_unmap_ops_create(vm, TEST_RSV_START, SZ_4K);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ops), -EINVAL);

	drm_gpuvm_put(vm);
}

/* An error from a step callback stops the walk and is returned. */
static void drm_test_gpuvm_sm_map_step_error(struct kunit *test)
{
	const struct gpuvm_sm_case *c = NULL;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuvm_map_req req;
	struct drm_gpuvm *vm;
	unsigned int i;

	/* Use the case with the most steps. */
	for (i = 0; i < ARRAY_SIZE(gpuvm_sm_map_cases); i++)
		if (!c || gpuvm_sm_map_cases[i].num_ops > c->num_ops)
			c = &gpuvm_sm_map_cases[i];
	KUNIT_ASSERT_GT(test, c->num_ops, 2);

	vm = sm_setup(test, c, old);
	req = sm_req(priv, &c->req);
	priv->fail_step = 1;

	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), -ENOSPC);
	KUNIT_EXPECT_EQ(test, priv->num_steps, 1);

	sm_teardown(test);
}

/* A driver with every step callback but ::sm_step_map. */
static const struct drm_gpuvm_ops gpuvm_test_ops_no_map = {
	.vm_free = gpuvm_test_vm_free,
	.sm_step_remap = gpuvm_test_sm_step,
	.sm_step_unmap = gpuvm_test_sm_step,
};

/*
 * drm_gpuvm_sm_map() needs the three step callbacks, drm_gpuvm_sm_unmap()
 * ::sm_step_remap and ::sm_step_unmap.
 */
static void drm_test_gpuvm_sm_missing_ops(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_map_req req = {
		.map.va.addr = TEST_VA_BASE,
		.map.va.range = SZ_64K,
	};
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_init(test, "minimal", 0, TEST_VM_START,
				TEST_VM_RANGE, TEST_RSV_START, TEST_RSV_RANGE,
				&gpuvm_test_ops_minimal);

	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_unmap(vm, priv, TEST_VA_BASE,
						 SZ_64K), -EINVAL);
	drm_gpuvm_put(vm);

	vm = gpuvm_test_vm_init(test, "no-map", 0, TEST_VM_START,
				TEST_VM_RANGE, TEST_RSV_START, TEST_RSV_RANGE,
				&gpuvm_test_ops_no_map);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_map(vm, priv, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_sm_unmap(vm, priv, TEST_VA_BASE,
						 SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, priv->num_steps, 0);
	drm_gpuvm_put(vm);
}

/* The split/merge case of @cases with the most steps. */
static const struct gpuvm_sm_case *
sm_longest_case(const struct gpuvm_sm_case *cases, unsigned int num)
{
	const struct gpuvm_sm_case *c = &cases[0];
	unsigned int i;

	for (i = 1; i < num; i++)
		if (cases[i].num_ops > c->num_ops)
			c = &cases[i];

	return c;
}

/*
 * A failing ::op_alloc makes drm_gpuvm_sm_map_ops_create() return
 * ERR_PTR(-ENOMEM), freeing the ops it allocated before, whichever op fails.
 */
static void drm_test_gpuvm_sm_map_ops_create_enomem(struct kunit *test)
{
	const struct gpuvm_sm_case *c;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuvm_map_req req;
	struct drm_gpuva_ops *ops;
	struct drm_gpuvm *vm;
	unsigned int i;

	c = sm_longest_case(gpuvm_sm_map_cases, ARRAY_SIZE(gpuvm_sm_map_cases));
	KUNIT_ASSERT_GT(test, c->num_ops, 1);
	vm = sm_setup(test, c, old);
	req = sm_req(priv, &c->req);

	for (i = 0; i < c->num_ops; i++) {
		priv->op_alloc_calls = 0;
		priv->fail_op_alloc_at = i;
		ops = drm_gpuvm_sm_map_ops_create(vm, &req);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ops), -ENOMEM,
				    "op %u of %u failing", i, c->num_ops);
		KUNIT_EXPECT_EQ_MSG(test, priv->op_frees, priv->op_allocs,
				    "op %u failing: allocs %u frees %u", i,
				    priv->op_allocs, priv->op_frees);
		if (!IS_ERR_OR_NULL(ops))
			drm_gpuva_ops_free(vm, ops);
	}
	priv->fail_op_alloc_at = UINT_MAX;
	sm_check_layout(test, vm, c->old);

	sm_teardown(test);
}

/*
 * A failing ::op_alloc makes drm_gpuvm_sm_unmap_ops_create() return
 * ERR_PTR(-ENOMEM), freeing the ops it allocated before, whichever op fails.
 */
static void drm_test_gpuvm_sm_unmap_ops_create_enomem(struct kunit *test)
{
	const struct gpuvm_sm_case *c;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuva_ops *ops;
	struct drm_gpuvm *vm;
	unsigned int i;

	c = sm_longest_case(gpuvm_sm_unmap_cases,
			    ARRAY_SIZE(gpuvm_sm_unmap_cases));
	KUNIT_ASSERT_GT(test, c->num_ops, 1);
	vm = sm_setup(test, c, old);

	for (i = 0; i < c->num_ops; i++) {
		priv->op_alloc_calls = 0;
		priv->fail_op_alloc_at = i;
		ops = drm_gpuvm_sm_unmap_ops_create(vm, map_addr(&c->req),
						    map_range(&c->req));
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ops), -ENOMEM,
				    "op %u of %u failing", i, c->num_ops);
		KUNIT_EXPECT_EQ_MSG(test, priv->op_frees, priv->op_allocs,
				    "op %u failing: allocs %u frees %u", i,
				    priv->op_allocs, priv->op_frees);
		if (!IS_ERR_OR_NULL(ops))
			drm_gpuva_ops_free(vm, ops);
	}
	priv->fail_op_alloc_at = UINT_MAX;
	sm_check_layout(test, vm, c->old);

	sm_teardown(test);
}

/*
 * drm_gpuvm_madvise_ops_create(), per its DOC section: only mappings without
 * a GEM object are split, at the request edges, and the part of each split
 * mapping inside the request is mapped again. Nothing is unmapped or merged,
 * and holes and mappings covered entirely get no op.
 */
static const struct gpuvm_sm_case gpuvm_madvise_cases[] = {
	{
		.desc = "1: inside one mapping",
		.old = { TMAP(0, 4, TBO_NONE, 0) },
		.req = TMAP(1, 3, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_NONE, 0),
				 TMAP(3, 4, TBO_NONE, 0)),
			OP_MAP(1, 3, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 1, TBO_NONE, 0),
			TMAP(1, 3, TBO_NONE, 0),
			TMAP(3, 4, TBO_NONE, 0),
		},
	}, {
		.desc = "2: across three mappings",
		.old = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 6, TBO_NONE, 0),
		},
		.req = TMAP(1, 5, TBO_NONE, 0),
		.num_ops = 4,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_NONE, 0), NO_MAP),
			OP_MAP(1, 2, TBO_NONE, 0),
			OP_REMAP(2, false, NO_MAP,
				 TMAP(5, 6, TBO_NONE, 0)),
			OP_MAP(4, 5, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 1, TBO_NONE, 0),
			TMAP(1, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 5, TBO_NONE, 0),
			TMAP(5, 6, TBO_NONE, 0),
		},
	}, {
		.desc = "3: only the end inside a mapping",
		.old = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 6, TBO_NONE, 0),
		},
		.req = TMAP(0, 5, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_REMAP(2, false, NO_MAP,
				 TMAP(5, 6, TBO_NONE, 0)),
			OP_MAP(4, 5, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 5, TBO_NONE, 0),
			TMAP(5, 6, TBO_NONE, 0),
		},
	}, {
		.desc = "3: only the start inside a mapping",
		.old = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 6, TBO_NONE, 0),
		},
		.req = TMAP(1, 4, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_NONE, 0), NO_MAP),
			OP_MAP(1, 2, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 1, TBO_NONE, 0),
			TMAP(1, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 6, TBO_NONE, 0),
		},
	}, {
		.desc = "4: edges on mapping boundaries",
		.old = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
		},
		.req = TMAP(0, 4, TBO_NONE, 0),
		.num_ops = 0,
		.new = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
		},
	}, {
		.desc = "5: empty VA space",
		.req = TMAP(0, 2, TBO_NONE, 0),
		.num_ops = 0,
	}, {
		.desc = "left aligned subset",
		.old = { TMAP(0, 4, TBO_NONE, 0) },
		.req = TMAP(0, 2, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, NO_MAP,
				 TMAP(2, 4, TBO_NONE, 0)),
			OP_MAP(0, 2, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
		},
	}, {
		.desc = "right aligned subset",
		.old = { TMAP(0, 4, TBO_NONE, 0) },
		.req = TMAP(2, 4, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 2, TBO_NONE, 0), NO_MAP),
			OP_MAP(2, 4, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(2, 4, TBO_NONE, 0),
		},
	}, {
		.desc = "no map for a hole",
		.old = {
			TMAP(0, 2, TBO_NONE, 0),
			TMAP(4, 6, TBO_NONE, 0),
		},
		.req = TMAP(1, 5, TBO_NONE, 0),
		.num_ops = 4,
		.ops = {
			OP_REMAP(0, false, TMAP(0, 1, TBO_NONE, 0), NO_MAP),
			OP_MAP(1, 2, TBO_NONE, 0),
			OP_REMAP(1, false, NO_MAP,
				 TMAP(5, 6, TBO_NONE, 0)),
			OP_MAP(4, 5, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 1, TBO_NONE, 0),
			TMAP(1, 2, TBO_NONE, 0),
			TMAP(4, 5, TBO_NONE, 0),
			TMAP(5, 6, TBO_NONE, 0),
		},
	}, {
		.desc = "request inside a hole",
		.old = {
			TMAP(0, 1, TBO_NONE, 0),
			TMAP(3, 4, TBO_NONE, 0),
		},
		.req = TMAP(1, 3, TBO_NONE, 0),
		.num_ops = 0,
		.new = {
			TMAP(0, 1, TBO_NONE, 0),
			TMAP(3, 4, TBO_NONE, 0),
		},
	}, {
		.desc = "mappings with a GEM object are skipped",
		.old = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 6, TBO_B, TEST_OFF_M(0)),
		},
		.req = TMAP(1, 5, TBO_NONE, 0),
		.num_ops = 0,
		.new = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 4, TBO_NONE, 0),
			TMAP(4, 6, TBO_B, TEST_OFF_M(0)),
		},
	}, {
		.desc = "sparse mapping next to a GEM mapping",
		.old = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 4, TBO_NONE, 0),
		},
		.req = TMAP(1, 3, TBO_NONE, 0),
		.num_ops = 2,
		.ops = {
			OP_REMAP(1, false, NO_MAP,
				 TMAP(3, 4, TBO_NONE, 0)),
			OP_MAP(2, 3, TBO_NONE, 0),
		},
		.new = {
			TMAP(0, 2, TBO_A, TEST_OFF_N(0)),
			TMAP(2, 3, TBO_NONE, 0),
			TMAP(3, 4, TBO_NONE, 0),
		},
	},
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_madvise, gpuvm_madvise_cases, desc);

/*
 * drm_gpuvm_madvise_ops_create() lists the documented ops, changing nothing,
 * and applying them gives the documented VA space.
 */
static void drm_test_gpuvm_madvise_ops_create(struct kunit *test)
{
	const struct gpuvm_sm_case *c = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *old[TEST_MAX_MAPS] = {};
	struct drm_gpuvm_map_req req;
	struct drm_gpuva_ops *ops;
	struct drm_gpuva_op *op;
	struct drm_gpuvm *vm;

	vm = sm_setup(test, c, old);
	req = sm_req(priv, &c->req);

	ops = drm_gpuvm_madvise_ops_create(vm, &req);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	sm_ops_to_steps(test, ops);
	sm_check_steps(test, c, old);
	sm_check_layout(test, vm, c->old);

	drm_gpuva_for_each_op(op, ops)
		KUNIT_EXPECT_EQ(test, gpuvm_test_apply(priv, op), 0);
	drm_gpuva_ops_free(vm, ops);
	KUNIT_EXPECT_EQ(test, priv->op_frees, c->num_ops);
	sm_check_layout(test, vm, c->new);

	sm_teardown(test);
}

/*
 * drm_gpuvm_prefetch_ops_create() lists one prefetch op per mapping
 * overlapping the range, in address order and with or without a GEM object,
 * and splits nothing. A failing ::op_alloc gives ERR_PTR(-ENOMEM).
 */
static void drm_test_gpuvm_prefetch_ops_create(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *gpuvas[3], *outside;
	struct drm_gem_object *obj;
	struct drm_gpuva_ops *ops;
	struct drm_gpuva_op *op;
	struct drm_gpuvm *vm;
	unsigned int i = 0;

	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);
	gpuvas[0] = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), 2 * TEST_UNIT,
					 obj, TEST_OFF_N(0));
	gpuvas[1] = gpuvm_test_va_insert(test, vm, TEST_ADDR(3), TEST_UNIT,
					 NULL, 0);
	gpuvas[2] = gpuvm_test_va_insert(test, vm, TEST_ADDR(4), 2 * TEST_UNIT,
					 obj, TEST_OFF_N(4));
	outside = gpuvm_test_va_insert(test, vm, TEST_ADDR(6), TEST_UNIT, obj,
				       TEST_OFF_N(6));

	ops = drm_gpuvm_prefetch_ops_create(vm, TEST_ADDR(1), 4 * TEST_UNIT);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	drm_gpuva_for_each_op(op, ops) {
		KUNIT_EXPECT_EQ_MSG(test, op->op, DRM_GPUVA_OP_PREFETCH,
				    "op %u", i);
		if (i < ARRAY_SIZE(gpuvas))
			KUNIT_EXPECT_PTR_EQ_MSG(test, op->prefetch.va,
						gpuvas[i], "op %u", i);
		KUNIT_EXPECT_PTR_NE(test, op->prefetch.va, outside);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(gpuvas));
	KUNIT_EXPECT_EQ(test, priv->op_allocs, ARRAY_SIZE(gpuvas));
	drm_gpuva_ops_free(vm, ops);
	KUNIT_EXPECT_EQ(test, priv->op_frees, ARRAY_SIZE(gpuvas));

	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_ADDR(0),
						 2 * TEST_UNIT), gpuvas[0]);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_ADDR(4),
						 2 * TEST_UNIT), gpuvas[2]);

	/* A range without mappings gives an empty list. */
	ops = drm_gpuvm_prefetch_ops_create(vm, TEST_ADDR(7), TEST_UNIT);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	KUNIT_EXPECT_TRUE(test, list_empty(&ops->list));
	drm_gpuva_ops_free(vm, ops);

	for (i = 0; i < ARRAY_SIZE(gpuvas); i++) {
		priv->op_alloc_calls = 0;
		priv->fail_op_alloc_at = i;
		ops = drm_gpuvm_prefetch_ops_create(vm, TEST_ADDR(0),
						    6 * TEST_UNIT);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ops), -ENOMEM,
				    "op %u failing", i);
		KUNIT_EXPECT_EQ_MSG(test, priv->op_frees, priv->op_allocs,
				    "op %u failing", i);
		if (!IS_ERR_OR_NULL(ops))
			drm_gpuva_ops_free(vm, ops);
	}
	priv->fail_op_alloc_at = UINT_MAX;

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* Expect @exec to hold exactly the locks of @objs, in this order. */
static void gpuvm_test_expect_locked(struct kunit *test, struct drm_exec *exec,
				     struct drm_gem_object * const *objs,
				     unsigned int num)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, exec->num_objects, num);
	for (i = 0; i < min(num, exec->num_objects); i++) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, exec->objects[i], objs[i],
					"locked object %u", i);
		KUNIT_EXPECT_TRUE_MSG(test, dma_resv_is_locked(objs[i]->resv),
				      "locked object %u", i);
	}
}

/*
 * The layout of the exec lock tests, in units: a at 0-2, b at 2-3, sparse
 * mappings at 3-4 and 4-6, c at 7-8. Returns the VM.
 */
static struct drm_gpuvm *sm_exec_setup(struct kunit *test,
				       struct drm_gem_object **objs)
{
	struct drm_gpuvm *vm;
	unsigned int i;

	vm = gpuvm_test_vm_create(test, 0);
	for (i = 0; i < 3; i++)
		objs[i] = gpuvm_test_gem_create(test, false);

	gpuvm_test_va_insert(test, vm, TEST_ADDR(0), 2 * TEST_UNIT, objs[0],
			     TEST_OFF_N(0));
	gpuvm_test_va_insert(test, vm, TEST_ADDR(2), TEST_UNIT, objs[1],
			     TEST_OFF_M(0));
	gpuvm_test_va_insert(test, vm, TEST_ADDR(3), TEST_UNIT, NULL, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(4), 2 * TEST_UNIT, NULL, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(7), TEST_UNIT, objs[2],
			     TEST_OFF_N(0));

	return vm;
}

/* Nothing of the sm_exec_setup() layout was changed. */
static void sm_exec_check_layout(struct kunit *test, struct drm_gpuvm *vm)
{
	struct gpuvm_test_priv *priv = test->priv;

	KUNIT_EXPECT_EQ(test, priv->num_steps, 0);
	KUNIT_EXPECT_NOT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(0),
						   2 * TEST_UNIT));
	KUNIT_EXPECT_NOT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(2),
						   TEST_UNIT));
	KUNIT_EXPECT_NOT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(3),
						   TEST_UNIT));
	KUNIT_EXPECT_NOT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(4),
						   2 * TEST_UNIT));
	KUNIT_EXPECT_NOT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(7),
						   TEST_UNIT));
}

/*
 * Lock for the map requests @first and then @second, if any, in one drm_exec
 * loop the way a driver's VM_BIND does. Returns the error of @first, the one
 * of @second goes to @second_ret and the locks @first took to @num_first.
 */
static int sm_exec_lock_maps(struct drm_exec *exec, u32 flags,
			     struct drm_gpuvm *vm,
			     struct drm_gpuvm_map_req *first,
			     struct drm_gpuvm_map_req *second,
			     int *second_ret, unsigned int *num_first)
{
	int ret = 0;

	*second_ret = -EINVAL;
	*num_first = 0;
	drm_exec_init(exec, flags, 0);
	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_sm_map_exec_lock(vm, exec, 1, first);
		drm_exec_retry_on_contention(exec);
		if (ret || !second)
			break;

		*num_first = exec->num_objects;
		*second_ret = drm_gpuvm_sm_map_exec_lock(vm, exec, 1, second);
		drm_exec_retry_on_contention(exec);
	}

	return ret;
}

/*
 * drm_gpuvm_sm_map_exec_lock() prepares the requested BO, then locks the BOs
 * of the mappings the request would unmap or split, in step order, without
 * calling the driver's step callbacks. Several requests share one drm_exec
 * with DRM_EXEC_IGNORE_DUPLICATES; without it, a BO seen twice fails.
 */
static void drm_test_gpuvm_sm_map_exec_lock(struct kunit *test)
{
	struct drm_gpuvm_map_req map_c = {
		.map.va.addr = TEST_ADDR(1),
		.map.va.range = TEST_UNIT,
		.map.gem.offset = TEST_OFF_M(1),
	};
	struct drm_gpuvm_map_req map_sparse = {
		.map.va.addr = TEST_ADDR(1),
		.map.va.range = 4 * TEST_UNIT,
	};
	struct drm_gem_object *objs[3], *a, *b, *c;
	unsigned int num_first;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	int ret, dup;

	vm = sm_exec_setup(test, objs);
	a = objs[0];
	b = objs[1];
	c = objs[2];
	map_c.map.gem.obj = c;

	ret = sm_exec_lock_maps(&exec, DRM_EXEC_IGNORE_DUPLICATES, vm, &map_c,
				&map_sparse, &dup, &num_first);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, dup, 0);
	/* c is mapped and a split, the second request adds b. */
	KUNIT_EXPECT_EQ(test, num_first, 2);
	gpuvm_test_expect_locked(test, &exec,
				 (struct drm_gem_object *[]){ c, a, b }, 3);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_EQ(test, gem_refs(a), 2);
	drm_exec_fini(&exec);

	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(a->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(b->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(c->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(a), 1);

	ret = sm_exec_lock_maps(&exec, 0, vm, &map_c, &map_sparse, &dup,
				&num_first);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, dup, -EALREADY);
	drm_exec_fini(&exec);

	/* An invalid range is refused after the requested BO was locked. */
	map_c.map.va.addr = TEST_VM_END;
	ret = sm_exec_lock_maps(&exec, 0, vm, &map_c, NULL, &dup, &num_first);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	gpuvm_test_expect_locked(test, &exec,
				 (struct drm_gem_object *[]){ c }, 1);
	drm_exec_fini(&exec);

	sm_exec_check_layout(test, vm);
	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* Lock for the unmap of @addr to @addr + @range in a drm_exec loop. */
static int sm_exec_lock_unmap(struct drm_exec *exec, struct drm_gpuvm *vm,
			      u64 addr, u64 range)
{
	int ret = 0;

	drm_exec_init(exec, 0, 0);
	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_sm_unmap_exec_lock(vm, exec, addr, range);
		drm_exec_retry_on_contention(exec);
	}

	return ret;
}

/*
 * drm_gpuvm_sm_unmap_exec_lock() locks the BOs of the mappings the unmap
 * would remove or split, and nothing else.
 */
static void drm_test_gpuvm_sm_unmap_exec_lock(struct kunit *test)
{
	struct drm_gem_object *objs[3];
	struct drm_exec exec;
	struct drm_gpuvm *vm;

	vm = sm_exec_setup(test, objs);

	KUNIT_EXPECT_EQ(test, sm_exec_lock_unmap(&exec, vm, TEST_ADDR(1),
						 4 * TEST_UNIT), 0);
	gpuvm_test_expect_locked(test, &exec,
				 (struct drm_gem_object *[]){ objs[0], objs[1] },
				 2);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(objs[2]->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	drm_exec_fini(&exec);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(objs[0]->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(objs[1]->resv));

	/* Sparse mappings only: nothing to lock. */
	KUNIT_EXPECT_EQ(test, sm_exec_lock_unmap(&exec, vm, TEST_ADDR(3),
						 2 * TEST_UNIT), 0);
	KUNIT_EXPECT_EQ(test, exec.num_objects, 0);
	drm_exec_fini(&exec);

	KUNIT_EXPECT_EQ(test, sm_exec_lock_unmap(&exec, vm, TEST_RSV_START,
						 SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, exec.num_objects, 0);
	drm_exec_fini(&exec);

	sm_exec_check_layout(test, vm);
	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

static struct kunit_case drm_gpuvm_sm_tests[] = {
	KUNIT_CASE_PARAM(drm_test_gpuvm_sm_map, gpuvm_sm_map_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_sm_map_ops_create,
			 gpuvm_sm_map_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_sm_map_errors, gpuvm_sm_map_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_sm_unmap, gpuvm_sm_unmap_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_sm_unmap_ops_create,
			 gpuvm_sm_unmap_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_sm_unmap_errors,
			 gpuvm_sm_unmap_gen_params),
	KUNIT_CASE(drm_test_gpuvm_sm_map_invalid_range),
	KUNIT_CASE(drm_test_gpuvm_sm_unmap_invalid_range),
	KUNIT_CASE(drm_test_gpuvm_sm_ops_create_invalid),
	KUNIT_CASE(drm_test_gpuvm_sm_map_step_error),
	KUNIT_CASE(drm_test_gpuvm_sm_missing_ops),
	KUNIT_CASE(drm_test_gpuvm_sm_map_ops_create_enomem),
	KUNIT_CASE(drm_test_gpuvm_sm_unmap_ops_create_enomem),
	KUNIT_CASE_PARAM(drm_test_gpuvm_madvise_ops_create,
			 gpuvm_madvise_gen_params),
	KUNIT_CASE(drm_test_gpuvm_prefetch_ops_create),
	KUNIT_CASE(drm_test_gpuvm_sm_map_exec_lock),
	KUNIT_CASE(drm_test_gpuvm_sm_unmap_exec_lock),
	{}
};

static struct kunit_suite drm_gpuvm_sm_test_suite = {
	.name = "drm_gpuvm_sm",
	.init = gpuvm_test_init,
	.exit = gpuvm_test_exit,
	.test_cases = drm_gpuvm_sm_tests,
};

/*
 * A vm_bo holds a VM reference and, without DRM_GPUVM_VA_WEAK_REF, a GEM
 * reference until its last put.
 */
static void drm_test_gpuvm_bo_obtain_put(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_EXPECT_PTR_EQ(test, vm_bo->vm, vm);
	KUNIT_EXPECT_PTR_EQ(test, vm_bo->obj, obj);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_allocs, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&obj->gpuva.list));

	drm_gpuvm_put(vm);
}

/* Obtaining an existing combination returns the same vm_bo. */
static void drm_test_gpuvm_bo_obtain_existing(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo, *again;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	again = gpuvm_test_bo_obtain(test, vm, obj);

	KUNIT_EXPECT_PTR_EQ(test, again, vm_bo);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 2);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_allocs - priv->vm_bo_frees, 1,
			    "allocs %u frees %u", priv->vm_bo_allocs,
			    priv->vm_bo_frees);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm));
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));

	KUNIT_EXPECT_FALSE(test, gpuvm_test_bo_put(test, again));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm));
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_bo_obtain_prealloc() frees the preallocated vm_bo, and the
 * references it holds, when the combination already exists.
 */
static void drm_test_gpuvm_bo_obtain_prealloc_existing(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo, *dup, *ret;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);

	vm_bo = drm_gpuvm_bo_create(vm, obj);
	KUNIT_ASSERT_NOT_NULL(test, vm_bo);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuvm_bo_obtain_prealloc(vm_bo), vm_bo);

	dup = drm_gpuvm_bo_create(vm, obj);
	KUNIT_ASSERT_NOT_NULL(test, dup);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_allocs, 2);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 3);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 3);

	ret = drm_gpuvm_bo_obtain_prealloc(dup);
	KUNIT_EXPECT_PTR_EQ(test, ret, vm_bo);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 2);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));

	gpuvm_test_bo_put(test, ret);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_find() returns a new reference to this VM's vm_bo only. */
static void drm_test_gpuvm_bo_find(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo, *found;
	struct drm_gpuvm *vm, *other;
	struct drm_gem_object *obj;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	other = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);

	gpuvm_test_lock(test, vm, obj);
	found = drm_gpuvm_bo_find(vm, obj);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_NULL(test, found);

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	gpuvm_test_lock(test, vm, obj);
	found = drm_gpuvm_bo_find(vm, obj);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_PTR_EQ(test, found, vm_bo);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 2);

	gpuvm_test_lock(test, other, obj);
	KUNIT_EXPECT_NULL(test, drm_gpuvm_bo_find(other, obj));
	gpuvm_test_unlock(test);

	if (found)
		gpuvm_test_bo_put(test, found);
	gpuvm_test_bo_put(test, vm_bo);
	drm_gpuvm_put(other);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_get() and drm_gpuvm_bo_put() balance; the last put frees. */
static void drm_test_gpuvm_bo_get_put(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	KUNIT_EXPECT_PTR_EQ(test, drm_gpuvm_bo_get(vm_bo), vm_bo);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuvm_bo_get(vm_bo), vm_bo);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 3);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm),
			    "vm_bo references must not take GEM references");

	KUNIT_EXPECT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm));

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	/* Putting NULL is a no-op. */
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_bo_put(NULL));

	drm_gpuvm_put(vm);
}

/*
 * A vm_bo holds a VM reference: the VM outlives the driver's reference and
 * the last drm_gpuvm_bo_put() frees it.
 */
static void drm_test_gpuvm_bo_holds_vm_ref(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);

	drm_gpuvm_put(vm);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_frees, 0,
			    "VM freed while a vm_bo holds it");
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
}

/* ::vm_bo_free of a driver without ::vm_bo_alloc: drm_gpuvm kzalloc()ed it. */
static void gpuvm_test_vm_bo_free_default(struct drm_gpuvm_bo *vm_bo)
{
	to_test_vm(vm_bo->vm)->priv->vm_bo_default_frees++;
	kfree(vm_bo);
}

static const struct drm_gpuvm_ops gpuvm_test_ops_no_vm_bo = {
	.vm_free = gpuvm_test_vm_free,
};

static const struct drm_gpuvm_ops gpuvm_test_ops_vm_bo_free_only = {
	.vm_free = gpuvm_test_vm_free,
	.vm_bo_free = gpuvm_test_vm_bo_free_default,
};

struct gpuvm_bo_ops_param {
	const char *desc;
	const struct drm_gpuvm_ops *ops;
	unsigned int vm_bo_frees;
};

static const struct gpuvm_bo_ops_param gpuvm_bo_ops_params[] = {
	{ "no ::vm_bo_alloc, no ::vm_bo_free", &gpuvm_test_ops_no_vm_bo, 0 },
	{ "::vm_bo_free only", &gpuvm_test_ops_vm_bo_free_only, 1 },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_bo_ops, gpuvm_bo_ops_params, desc);

/*
 * Without ::vm_bo_alloc, drm_gpuvm allocates the vm_bo itself; the last put
 * frees it with kfree(), or hands it to ::vm_bo_free, which must do so.
 */
static void drm_test_gpuvm_bo_default_alloc(struct kunit *test)
{
	const struct gpuvm_bo_ops_param *p = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_init(test, "gpuvm-test", 0, TEST_VM_START,
				TEST_VM_RANGE, TEST_RSV_START, TEST_RSV_RANGE,
				p->ops);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	KUNIT_EXPECT_PTR_EQ(test, vm_bo->vm, vm);
	KUNIT_EXPECT_PTR_EQ(test, vm_bo->obj, obj);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm_bo->list.gpuva));
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_allocs, 0);

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_default_frees, p->vm_bo_frees);
	KUNIT_EXPECT_TRUE(test, list_empty(&obj->gpuva.list));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	drm_gpuvm_put(vm);
}

/* A GEM mapped in two VMs has one vm_bo, and its GEM reference, per VM. */
static void drm_test_gpuvm_bo_two_vms(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo1, *vm_bo2, *vm_bo;
	struct drm_gpuvm *vm1, *vm2;
	struct drm_gem_object *obj;
	unsigned int n = 0;

	vm1 = gpuvm_test_vm_create(test, param_flags(test));
	vm2 = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);

	vm_bo1 = gpuvm_test_bo_obtain(test, vm1, obj);
	vm_bo2 = gpuvm_test_bo_obtain(test, vm2, obj);
	KUNIT_EXPECT_PTR_NE(test, vm_bo1, vm_bo2);
	KUNIT_EXPECT_EQ(test, gem_refs(obj),
			1 + vm_bo_gem_refs(vm1) + vm_bo_gem_refs(vm2));

	gpuvm_test_lock(test, vm1, obj);
	drm_gem_for_each_gpuvm_bo(vm_bo, obj)
		n++;
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_EQ(test, n, 2);

	gpuvm_test_bo_put(test, vm_bo1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm2));
	gpuvm_test_bo_put(test, vm_bo2);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	drm_gpuvm_put(vm2);
	drm_gpuvm_put(vm1);
}

/* Each linked VA holds a vm_bo reference, the last unlink frees it. */
static void drm_test_gpuvm_link_unlink(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuva *a, *b;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	a = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, obj, 0);
	b = gpuvm_test_va_insert(test, vm, TEST_ADDR(1), TEST_UNIT, obj,
				 TEST_UNIT);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuva_link(a, vm_bo);
	drm_gpuva_link(b, vm_bo);
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_PTR_EQ(test, a->vm_bo, vm_bo);
	KUNIT_EXPECT_PTR_EQ(test, b->vm_bo, vm_bo);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 3);

	/* Drop the obtain reference, the linked mappings keep it alive. */
	KUNIT_EXPECT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 2);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + vm_bo_gem_refs(vm));

	gpuvm_test_lock(test, vm, obj);
	drm_gpuva_unlink(a);
	KUNIT_EXPECT_NULL(test, a->vm_bo);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	drm_gpuva_unlink(b);
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_NULL(test, b->vm_bo);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&obj->gpuva.list));

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_for_each_va() walks the linked mappings in link order. */
static void drm_test_gpuvm_bo_va_iter(struct kunit *test)
{
	struct drm_gpuva *gpuvas[3], *va;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	unsigned int i;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	for (i = 0; i < ARRAY_SIZE(gpuvas); i++)
		gpuvas[i] = gpuvm_test_va_insert(test, vm,
						 TEST_ADDR(4 - 2 * i),
						 TEST_UNIT, obj,
						 i * TEST_UNIT);

	gpuvm_test_lock(test, vm, obj);
	for (i = 0; i < ARRAY_SIZE(gpuvas); i++)
		drm_gpuva_link(gpuvas[i], vm_bo);

	i = 0;
	drm_gpuvm_bo_for_each_va(va, vm_bo) {
		if (i == ARRAY_SIZE(gpuvas)) {
			/* No assert while the locks are held. */
			KUNIT_FAIL(test, "more mappings than were linked");
			break;
		}
		KUNIT_EXPECT_PTR_EQ_MSG(test, va, gpuvas[i], "VA %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(gpuvas));

	for (i = 0; i < ARRAY_SIZE(gpuvas); i++)
		drm_gpuva_unlink(gpuvas[i]);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm_bo->list.gpuva));
	drm_gpuvm_bo_put(vm_bo);
	gpuvm_test_unlock(test);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* An external BO is added to the extobj list once, and leaves it on put. */
static void drm_test_gpuvm_extobj_add(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_is_extobj(vm, obj));

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));

	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_extobj_add(vm_bo);
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_TRUE(test, list_is_singular(&vm->extobj.list));
	KUNIT_EXPECT_TRUE(test, on_extobj_list(vm_bo));
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm_bo->kref), 1,
			    "the extobj list must not hold a reference");

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	drm_gpuvm_put(vm);
}

/* A BO sharing the VM's dma_resv is no extobj and is never listed. */
static void drm_test_gpuvm_extobj_private(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, true);
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_is_extobj(vm, obj));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_is_extobj(vm, priv->r_obj));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_is_extobj(vm, NULL));

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));

	gpuvm_test_bo_put(test, vm_bo);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_exec_lock() locks the VM's resv and every listed extobj. */
static void drm_test_gpuvm_exec_lock_extobjs(struct kunit *test)
{
	struct drm_gem_object *ext, *private;
	struct drm_gpuvm_bo *vm_ext, *vm_private;
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	ext = gpuvm_test_gem_create(test, false);
	private = gpuvm_test_gem_create(test, true);
	vm_ext = gpuvm_test_bo_obtain(test, vm, ext);
	vm_private = gpuvm_test_bo_obtain(test, vm, private);

	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_ext);
	gpuvm_test_unlock(test);

	vm_exec.vm = vm;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	KUNIT_EXPECT_EQ(test, vm_exec.exec.num_objects, 2);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(ext->resv));
	drm_gpuvm_exec_unlock(&vm_exec);

	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(ext), 1 + vm_bo_gem_refs(vm));

	gpuvm_test_bo_put(test, vm_private);
	gpuvm_test_bo_put(test, vm_ext);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_prepare_vm() locks the VM's resv object and holds a reference
 * to it until drm_exec_fini(); preparing it twice fails with -EALREADY.
 */
static void drm_test_gpuvm_prepare_vm(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	int ret = -EINVAL, dup = -EINVAL;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	refs = gem_refs(priv->r_obj);

	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_gpuvm_prepare_vm(vm, &exec, 0);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;

		dup = drm_gpuvm_prepare_vm(vm, &exec, 1);
		drm_exec_retry_on_contention(&exec);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, dup, -EALREADY);
	gpuvm_test_expect_locked(test, &exec,
				 (struct drm_gem_object *[]){ priv->r_obj }, 1);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_EQ(test, gem_refs(priv->r_obj), refs + 1);
	drm_exec_fini(&exec);

	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_EQ(test, gem_refs(priv->r_obj), refs);

	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_prepare_objects() locks the BOs on the VM's extobj list only. A
 * failing walk drops its vm_bo reference and leaves the list intact.
 */
static void drm_test_gpuvm_prepare_objects(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_ext, *vm_unlisted;
	struct drm_gem_object *ext, *unlisted;
	int ret = -EINVAL, dup = -EINVAL;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	ext = gpuvm_test_gem_create(test, false);
	unlisted = gpuvm_test_gem_create(test, false);
	vm_ext = gpuvm_test_bo_obtain(test, vm, ext);
	vm_unlisted = gpuvm_test_bo_obtain(test, vm, unlisted);

	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_ext);
	gpuvm_test_unlock(test);
	refs = gem_refs(ext);

	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_gpuvm_prepare_vm(vm, &exec, 0);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;

		ret = drm_gpuvm_prepare_objects(vm, &exec, 1);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;

		dup = drm_gpuvm_prepare_objects(vm, &exec, 0);
		drm_exec_retry_on_contention(&exec);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, dup, -EALREADY);
	gpuvm_test_expect_locked(test, &exec,
				 (struct drm_gem_object *[]){ priv->r_obj, ext },
				 2);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(unlisted->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(ext), refs + 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_ext->kref), 1);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&vm->extobj.list));
	KUNIT_EXPECT_TRUE(test, on_extobj_list(vm_ext));
	drm_exec_fini(&exec);

	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(ext), refs);

	gpuvm_test_bo_put(test, vm_unlisted);
	gpuvm_test_bo_put(test, vm_ext);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_prepare_range() locks the BOs mapped in the range, in address
 * order, skipping sparse mappings; a private BO locks the VM's resv.
 */
static void drm_test_gpuvm_prepare_range(struct kunit *test)
{
	struct drm_gem_object *ext, *private;
	int ret = -EINVAL, dup = -EINVAL;
	struct drm_exec exec;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, 0);
	ext = gpuvm_test_gem_create(test, false);
	private = gpuvm_test_gem_create(test, true);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, NULL, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(1), TEST_UNIT, ext, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(2), TEST_UNIT, private, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(4), TEST_UNIT, ext,
			     TEST_UNIT);

	drm_exec_init(&exec, 0, 0);
	drm_exec_until_all_locked(&exec) {
		ret = drm_gpuvm_prepare_range(vm, &exec, TEST_ADDR(0),
					      4 * TEST_UNIT, 0);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;

		/* The second mapping of ext. */
		dup = drm_gpuvm_prepare_range(vm, &exec, TEST_ADDR(4),
					      TEST_UNIT, 1);
		drm_exec_retry_on_contention(&exec);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, dup, -EALREADY);
	gpuvm_test_expect_locked(test, &exec,
				 (struct drm_gem_object *[]){ ext, private },
				 2);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_EQ(test, gem_refs(ext), 2);
	drm_exec_fini(&exec);

	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(ext), 1);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

struct gpuvm_test_extra {
	struct kunit *test;
	struct drm_gem_object *obj;
	unsigned int calls;
	/* -EDEADLK from its own drm_exec_prepare_obj(): one more pass. */
	unsigned int deadlocks;
	int ret;
};

/* drm_gpuvm_exec::extra.fn, runs with the VM and its extobjs locked. */
static int gpuvm_test_exec_extra(struct drm_gpuvm_exec *vm_exec)
{
	struct gpuvm_test_extra *extra = vm_exec->extra.priv;
	struct drm_gpuvm *vm = vm_exec->vm;
	struct drm_gpuvm_bo *vm_bo;
	int ret;

	extra->calls++;
	KUNIT_EXPECT_TRUE(extra->test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	list_for_each_entry(vm_bo, &vm->extobj.list, list.entry.extobj)
		KUNIT_EXPECT_TRUE(extra->test,
				  dma_resv_is_locked(vm_bo->obj->resv));
	if (extra->ret)
		return extra->ret;

	ret = drm_exec_prepare_obj(&vm_exec->exec, extra->obj,
				   vm_exec->num_fences);
	if (ret == -EDEADLK)
		extra->deadlocks++;

	return ret;
}

/*
 * drm_gpuvm_exec_lock() calls ::extra.fn after locking the VM and its
 * extobjs; an error of it is returned with everything unlocked.
 */
static void drm_test_gpuvm_exec_lock_extra(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_extra extra = { .test = test };
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gem_object *ext, *obj;
	struct drm_gpuvm_bo *vm_ext;
	struct drm_gpuvm *vm;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	ext = gpuvm_test_gem_create(test, false);
	obj = gpuvm_test_gem_create(test, false);
	vm_ext = gpuvm_test_bo_obtain(test, vm, ext);
	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_ext);
	gpuvm_test_unlock(test);
	refs = gem_refs(ext);

	extra.obj = obj;
	vm_exec.vm = vm;
	vm_exec.num_fences = 2;
	vm_exec.extra.fn = gpuvm_test_exec_extra;
	vm_exec.extra.priv = &extra;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	KUNIT_EXPECT_EQ(test, extra.calls, extra.deadlocks + 1);
	gpuvm_test_expect_locked(test, &vm_exec.exec,
				 (struct drm_gem_object *[]){ priv->r_obj, ext,
							      obj }, 3);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);
	drm_gpuvm_exec_unlock(&vm_exec);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	extra.calls = 0;
	extra.ret = -ENOSPC;
	KUNIT_EXPECT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), -ENOSPC);
	/* Its error ends the first pass that gets to it. */
	KUNIT_EXPECT_EQ(test, extra.calls, 1);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(ext), refs);

	gpuvm_test_bo_put(test, vm_ext);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_exec_lock_array() locks the VM's resv, its extobjs and then the
 * given objects; an object locked twice fails with -EALREADY, leaving
 * nothing locked, unless DRM_EXEC_IGNORE_DUPLICATES is set.
 */
static void drm_test_gpuvm_exec_lock_array(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gem_object *ext, *obj;
	struct drm_gem_object *objs[2];
	struct drm_gpuvm_bo *vm_ext;
	struct drm_gpuvm *vm;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	ext = gpuvm_test_gem_create(test, false);
	obj = gpuvm_test_gem_create(test, false);
	vm_ext = gpuvm_test_bo_obtain(test, vm, ext);
	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_ext);
	gpuvm_test_unlock(test);
	refs = gem_refs(ext);

	vm_exec.vm = vm;
	vm_exec.num_fences = 1;
	objs[0] = obj;
	objs[1] = ext;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock_array(&vm_exec, objs, 1), 0);
	gpuvm_test_expect_locked(test, &vm_exec.exec,
				 (struct drm_gem_object *[]){ priv->r_obj, ext,
							      obj }, 3);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);
	drm_gpuvm_exec_unlock(&vm_exec);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	KUNIT_EXPECT_EQ(test, drm_gpuvm_exec_lock_array(&vm_exec, objs, 2),
			-EALREADY);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(ext), refs);

	vm_exec.flags = DRM_EXEC_IGNORE_DUPLICATES;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock_array(&vm_exec, objs, 2), 0);
	gpuvm_test_expect_locked(test, &vm_exec.exec,
				 (struct drm_gem_object *[]){ priv->r_obj, ext,
							      obj }, 3);
	drm_gpuvm_exec_unlock(&vm_exec);

	gpuvm_test_bo_put(test, vm_ext);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_exec_lock_range() locks the BOs mapped in the range only, not
 * the VM's resv. A BO mapped twice needs DRM_EXEC_IGNORE_DUPLICATES, else
 * -EALREADY is returned with nothing locked.
 */
static void drm_test_gpuvm_exec_lock_range(struct kunit *test)
{
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gem_object *a, *b;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, 0);
	a = gpuvm_test_gem_create(test, false);
	b = gpuvm_test_gem_create(test, false);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, a, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(1), TEST_UNIT, a, TEST_UNIT);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(2), TEST_UNIT, NULL, 0);
	gpuvm_test_va_insert(test, vm, TEST_ADDR(4), TEST_UNIT, b, 0);

	vm_exec.vm = vm;
	vm_exec.num_fences = 1;
	vm_exec.flags = DRM_EXEC_IGNORE_DUPLICATES;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock_range(&vm_exec, TEST_ADDR(0),
							4 * TEST_UNIT), 0);
	gpuvm_test_expect_locked(test, &vm_exec.exec,
				 (struct drm_gem_object *[]){ a }, 1);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(b->resv));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_EQ(test, gem_refs(a), 2);
	drm_gpuvm_exec_unlock(&vm_exec);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(a->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(a), 1);

	vm_exec.flags = 0;
	KUNIT_EXPECT_EQ(test, drm_gpuvm_exec_lock_range(&vm_exec, TEST_ADDR(0),
							4 * TEST_UNIT),
			-EALREADY);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(a->resv));
	KUNIT_EXPECT_EQ(test, gem_refs(a), 1);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

static const char *gpuvm_test_fence_name(struct dma_fence *fence)
{
	return "gpuvm-test";
}

static const struct dma_fence_ops gpuvm_test_fence_ops = {
	.get_driver_name = gpuvm_test_fence_name,
	.get_timeline_name = gpuvm_test_fence_name,
};

/* KUnit action: signal and put a test fence, also after a failed assert. */
static void gpuvm_test_fence_release(void *arg)
{
	struct dma_fence *fence = arg;

	dma_fence_signal(fence);
	dma_fence_put(fence);
}

/* The usage of the only fence of the locked @resv, -ENOENT without one. */
static int resv_fence_usage(struct kunit *test, struct dma_resv *resv,
			    struct dma_fence *fence)
{
	struct dma_resv_iter cursor;
	struct dma_fence *f;
	int usage = -ENOENT;

	dma_resv_for_each_fence(&cursor, resv, DMA_RESV_USAGE_BOOKKEEP, f) {
		KUNIT_EXPECT_PTR_EQ(test, f, fence);
		KUNIT_EXPECT_EQ(test, usage, -ENOENT);
		usage = dma_resv_iter_usage(&cursor);
	}

	return usage;
}

/*
 * drm_gpuvm_resv_add_fence() adds the fence to every resv locked by the
 * drm_exec: with the private usage to the VM's resv and with the extobj
 * usage to the extobjs' resvs. A BO that is not an extobj gets nothing.
 */
static void drm_test_gpuvm_resv_add_fence(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_ext, *vm_unlisted;
	struct drm_gem_object *ext, *unlisted;
	struct drm_gpuvm_exec vm_exec = {};
	struct dma_resv *vm_resv;
	struct dma_fence *fence;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	vm_resv = drm_gpuvm_resv(vm);
	ext = gpuvm_test_gem_create(test, false);
	unlisted = gpuvm_test_gem_create(test, false);
	vm_ext = gpuvm_test_bo_obtain(test, vm, ext);
	vm_unlisted = gpuvm_test_bo_obtain(test, vm, unlisted);
	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_ext);
	gpuvm_test_unlock(test);

	fence = kzalloc_obj(*fence);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	dma_fence_init(fence, &gpuvm_test_fence_ops, NULL,
		       dma_fence_context_alloc(1), 1);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							gpuvm_test_fence_release,
							fence), 0);

	vm_exec.vm = vm;
	vm_exec.num_fences = 1;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	drm_gpuvm_resv_add_fence(vm, &vm_exec.exec, fence,
				 DMA_RESV_USAGE_BOOKKEEP,
				 DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, resv_fence_usage(test, vm_resv, fence),
			DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, resv_fence_usage(test, ext->resv, fence),
			DMA_RESV_USAGE_WRITE);
	drm_gpuvm_exec_unlock(&vm_exec);

	/* One reference per resv, plus ours. */
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 3);
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(vm_resv,
							DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(vm_resv,
						       DMA_RESV_USAGE_READ));
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(ext->resv,
							DMA_RESV_USAGE_WRITE));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(ext->resv,
						       DMA_RESV_USAGE_KERNEL));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(unlisted->resv,
						       DMA_RESV_USAGE_BOOKKEEP));

	dma_fence_signal(fence);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(vm_resv,
						       DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(ext->resv,
						       DMA_RESV_USAGE_BOOKKEEP));

	gpuvm_test_bo_put(test, vm_unlisted);
	gpuvm_test_bo_put(test, vm_ext);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_exec_lock() followed by drm_gpuvm_validate() validates an
 * evicted extobj once. With DRM_GPUVM_RESV_PROTECTED the extobj is only put
 * on the evict list by drm_gpuvm_prepare_objects().
 */
static void drm_test_gpuvm_exec_lock_validate(struct kunit *test)
{
	bool listed = !(param_flags(test) & DRM_GPUVM_RESV_PROTECTED);
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_evict(vm_bo, true);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_EQ(test, on_evict_list(vm_bo), listed);

	vm_exec.vm = vm;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo));
	KUNIT_EXPECT_EQ(test, drm_gpuvm_validate(vm, &vm_exec.exec), 0);
	drm_gpuvm_exec_unlock(&vm_exec);

	KUNIT_EXPECT_EQ(test, priv->validates, 1);
	KUNIT_EXPECT_EQ(test, to_test_bo(vm_bo)->validated, 1);
	KUNIT_EXPECT_FALSE(test, vm_bo->evicted);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);

	gpuvm_test_bo_put(test, vm_bo);
	drm_gpuvm_put(vm);
}

static int gpuvm_test_vm_bo_validate_fail(struct drm_gpuvm_bo *vm_bo,
					  struct drm_exec *exec)
{
	to_test_vm(vm_bo->vm)->priv->validates++;

	return -ENOSPC;
}

/* The mock driver with a ::vm_bo_validate that always fails. */
static const struct drm_gpuvm_ops gpuvm_test_ops_validate_fail = {
	.vm_free = gpuvm_test_vm_free,
	.vm_bo_alloc = gpuvm_test_vm_bo_alloc,
	.vm_bo_free = gpuvm_test_vm_bo_free,
	.vm_bo_validate = gpuvm_test_vm_bo_validate_fail,
};

/*
 * An error of ::vm_bo_validate stops drm_gpuvm_validate() and is returned;
 * the evicted vm_bos stay evicted and listed, and no reference is leaked.
 */
static void drm_test_gpuvm_validate_error(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo_a, *vm_bo_b;
	struct drm_gem_object *a, *b;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_init(test, "validate-fail", param_flags(test),
				TEST_VM_START, TEST_VM_RANGE, TEST_RSV_START,
				TEST_RSV_RANGE, &gpuvm_test_ops_validate_fail);
	a = gpuvm_test_gem_create(test, true);
	b = gpuvm_test_gem_create(test, true);
	vm_bo_a = gpuvm_test_bo_obtain(test, vm, a);
	vm_bo_b = gpuvm_test_bo_obtain(test, vm, b);

	gpuvm_test_lock(test, vm, NULL);
	drm_gpuvm_bo_evict(vm_bo_a, true);
	drm_gpuvm_bo_evict(vm_bo_b, true);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_validate(vm, NULL), -ENOSPC);
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_EQ(test, priv->validates, 1);
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo_a));
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo_b));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo_a->kref), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo_b->kref), 1);

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo_b));
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo_a));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_bo_unmap_ops_create() lists an unmap op, keep unset, for each
 * mapping linked to the vm_bo, in link order, and changes nothing; a failing
 * ::op_alloc gives ERR_PTR(-ENOMEM). Applying the ops unmaps the BO.
 */
static void drm_test_gpuvm_bo_unmap_ops_create(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo, *vm_other;
	struct drm_gem_object *obj, *other;
	struct drm_gpuva *gpuvas[2], *va;
	struct drm_gpuva_ops *ops;
	struct drm_gpuva_op *op;
	struct drm_gpuvm *vm;
	unsigned int i = 0;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	other = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	vm_other = gpuvm_test_bo_obtain(test, vm, other);
	gpuvas[0] = gpuvm_test_va_insert(test, vm, TEST_ADDR(2), TEST_UNIT,
					 obj, 0);
	gpuvas[1] = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT,
					 obj, TEST_UNIT);
	va = gpuvm_test_va_insert(test, vm, TEST_ADDR(1), TEST_UNIT, other, 0);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuva_link(gpuvas[0], vm_bo);
	drm_gpuva_link(gpuvas[1], vm_bo);
	gpuvm_test_unlock(test);
	gpuvm_test_va_link(test, va, vm_other);

	gpuvm_test_lock(test, vm, obj);
	ops = drm_gpuvm_bo_unmap_ops_create(vm_bo);
	gpuvm_test_unlock(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	drm_gpuva_for_each_op(op, ops) {
		KUNIT_EXPECT_EQ_MSG(test, op->op, DRM_GPUVA_OP_UNMAP,
				    "op %u", i);
		if (i < ARRAY_SIZE(gpuvas))
			KUNIT_EXPECT_PTR_EQ_MSG(test, op->unmap.va, gpuvas[i],
						"op %u", i);
		KUNIT_EXPECT_FALSE_MSG(test, op->unmap.keep, "op %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(gpuvas));
	KUNIT_EXPECT_EQ(test, priv->op_allocs, ARRAY_SIZE(gpuvas));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 3);
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_ADDR(2), TEST_UNIT),
			    gpuvas[0]);

	for (i = 0; i < ARRAY_SIZE(gpuvas); i++) {
		struct drm_gpuva_ops *failed;

		priv->op_alloc_calls = 0;
		priv->fail_op_alloc_at = i;
		gpuvm_test_lock(test, vm, obj);
		failed = drm_gpuvm_bo_unmap_ops_create(vm_bo);
		gpuvm_test_unlock(test);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(failed), -ENOMEM,
				    "op %u failing", i);
		/* Only the ops listed above are left. */
		KUNIT_EXPECT_EQ_MSG(test, priv->op_allocs - priv->op_frees,
				    ARRAY_SIZE(gpuvas), "op %u failing", i);
		if (!IS_ERR_OR_NULL(failed))
			drm_gpuva_ops_free(vm, failed);
	}
	priv->fail_op_alloc_at = UINT_MAX;

	/* Apply the ops the way a driver would. */
	gpuvm_test_lock(test, vm, obj);
	drm_gpuva_for_each_op(op, ops) {
		drm_gpuva_unmap(&op->unmap);
		drm_gpuva_unlink(op->unmap.va);
	}
	gpuvm_test_unlock(test);
	drm_gpuva_ops_free(vm, ops);
	KUNIT_EXPECT_EQ(test, priv->op_frees, priv->op_allocs);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(2), TEST_UNIT));
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(0), TEST_UNIT));
	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_ADDR(1), TEST_UNIT),
			    va);

	/* Nothing is linked any more. */
	gpuvm_test_lock(test, vm, obj);
	ops = drm_gpuvm_bo_unmap_ops_create(vm_bo);
	gpuvm_test_unlock(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	KUNIT_EXPECT_TRUE(test, list_empty(&ops->list));
	drm_gpuva_ops_free(vm, ops);

	gpuvm_test_va_unlink(test, va);
	gpuvm_test_bo_put(test, vm_other);
	gpuvm_test_bo_put(test, vm_bo);
	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_evict() moves a private BO on and off the evict list. */
static void drm_test_gpuvm_bo_evict_private(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, true);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_evict(vm_bo, true);
	KUNIT_EXPECT_TRUE(test, vm_bo->evicted);
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo));
	drm_gpuvm_bo_evict(vm_bo, true);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&vm->evict.list));

	drm_gpuvm_bo_evict(vm_bo, false);
	KUNIT_EXPECT_FALSE(test, vm_bo->evicted);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));
	gpuvm_test_unlock(test);

	gpuvm_test_bo_put(test, vm_bo);
	drm_gpuvm_put(vm);
}

/*
 * An evicted extobj is only put on the evict list directly when the VM uses
 * its internal spinlocks, with DRM_GPUVM_RESV_PROTECTED just the flag is set.
 */
static void drm_test_gpuvm_bo_evict_extobj(struct kunit *test)
{
	bool listed = !(param_flags(test) & DRM_GPUVM_RESV_PROTECTED);
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_evict(vm_bo, true);
	KUNIT_EXPECT_TRUE(test, vm_bo->evicted);
	KUNIT_EXPECT_EQ(test, on_evict_list(vm_bo), listed);
	drm_gpuvm_bo_evict(vm_bo, false);
	KUNIT_EXPECT_FALSE(test, vm_bo->evicted);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));
	gpuvm_test_unlock(test);

	gpuvm_test_bo_put(test, vm_bo);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_gem_evict() evicts the GEM's vm_bo in every VM. */
static void drm_test_gpuvm_bo_gem_evict(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo1, *vm_bo2;
	struct drm_gpuvm *vm1, *vm2;
	struct drm_gem_object *obj;

	vm1 = gpuvm_test_vm_create(test, param_flags(test));
	vm2 = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, true);
	vm_bo1 = gpuvm_test_bo_obtain(test, vm1, obj);
	vm_bo2 = gpuvm_test_bo_obtain(test, vm2, obj);

	gpuvm_test_lock(test, vm1, obj);
	drm_gpuvm_bo_gem_evict(obj, true);
	KUNIT_EXPECT_TRUE(test, vm_bo1->evicted);
	KUNIT_EXPECT_TRUE(test, vm_bo2->evicted);
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo1));
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo2));

	drm_gpuvm_bo_gem_evict(obj, false);
	KUNIT_EXPECT_FALSE(test, vm_bo1->evicted);
	KUNIT_EXPECT_FALSE(test, vm_bo2->evicted);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm1->evict.list));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm2->evict.list));
	gpuvm_test_unlock(test);

	gpuvm_test_bo_put(test, vm_bo2);
	gpuvm_test_bo_put(test, vm_bo1);
	drm_gpuvm_put(vm2);
	drm_gpuvm_put(vm1);
}

/* drm_gpuvm_validate() calls ::vm_bo_validate once per evicted vm_bo. */
static void drm_test_gpuvm_validate(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *evicted, *resident;
	struct drm_gem_object *a, *b;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	a = gpuvm_test_gem_create(test, true);
	b = gpuvm_test_gem_create(test, true);
	evicted = gpuvm_test_bo_obtain(test, vm, a);
	resident = gpuvm_test_bo_obtain(test, vm, b);

	gpuvm_test_lock(test, vm, a);
	drm_gpuvm_bo_evict(evicted, true);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_validate(vm, NULL), 0);
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_EQ(test, priv->validates, 1);
	KUNIT_EXPECT_EQ(test, to_test_bo(evicted)->validated, 1);
	KUNIT_EXPECT_EQ(test, to_test_bo(resident)->validated, 0);
	KUNIT_EXPECT_FALSE(test, evicted->evicted);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&evicted->kref), 1,
			    "validate must drop its temporary references");

	/* Nothing is evicted any more. */
	gpuvm_test_lock(test, vm, NULL);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_validate(vm, NULL), 0);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_EQ(test, priv->validates, 1);

	gpuvm_test_bo_put(test, resident);
	gpuvm_test_bo_put(test, evicted);
	drm_gpuvm_put(vm);
}

/* Without ::vm_bo_validate, drm_gpuvm_validate() is not supported. */
static void drm_test_gpuvm_validate_unsupported(struct kunit *test)
{
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_init(test, "minimal", 0, TEST_VM_START,
				TEST_VM_RANGE, TEST_RSV_START, TEST_RSV_RANGE,
				&gpuvm_test_ops_minimal);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_validate(vm, NULL), -EOPNOTSUPP);
	drm_gpuvm_put(vm);
}

/*
 * A failing ::vm_bo_alloc makes drm_gpuvm_bo_create() return NULL and
 * drm_gpuvm_bo_obtain_locked() ERR_PTR(-ENOMEM), taking no reference.
 */
static void drm_test_gpuvm_bo_alloc_enomem(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);

	priv->fail_vm_bo_alloc = true;
	vm_bo = drm_gpuvm_bo_create(vm, obj);
	KUNIT_EXPECT_NULL(test, vm_bo);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1, "GEM refs %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm->kref), 1, "VM refs %u",
			    kref_read(&vm->kref));

	priv->fail_vm_bo_alloc = true;
	gpuvm_test_lock(test, vm, obj);
	vm_bo = drm_gpuvm_bo_obtain_locked(vm, obj);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vm_bo), -ENOMEM);
	KUNIT_EXPECT_TRUE(test, list_empty(&obj->gpuva.list));
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1, "GEM refs %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm->kref), 1, "VM refs %u",
			    kref_read(&vm->kref));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_allocs, 0);

	drm_gpuvm_put(vm);
}

/*
 * DRM_GPUVM_VA_WEAK_REF: vm_bos hold no GEM reference. Each test checks the
 * GEM refcount before, during and after one path, in both reference modes.
 */

/* The flag keeps the value it is asked for; driver bits start above it. */
static_assert(BIT(2) == DRM_GPUVM_VA_WEAK_REF);
static_assert(BIT(3) == DRM_GPUVM_USERBITS);

/* drm_gpuvm_va_weak_ref() is true only with the flag. */
static void drm_test_gpuvm_weak_ref_flag(struct kunit *test)
{
	enum drm_gpuvm_flags flags = param_flags(test);
	struct drm_gpuvm *vm, *user;

	vm = gpuvm_test_vm_create(test, flags);
	KUNIT_EXPECT_EQ_MSG(test, drm_gpuvm_va_weak_ref(vm),
			    !!(flags & DRM_GPUVM_VA_WEAK_REF), "flags 0x%x",
			    flags);

	/* Driver defined bits do not alias the flag. */
	user = gpuvm_test_vm_create(test, DRM_GPUVM_USERBITS |
				  (flags & ~DRM_GPUVM_VA_WEAK_REF));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_va_weak_ref(user));

	drm_gpuvm_put(user);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_bo_create() takes a GEM reference only without the flag, and a
 * VM reference in both modes.
 */
static void drm_test_gpuvm_weak_ref_bo_create(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	refs = vm_bo_gem_refs(vm);
	KUNIT_ASSERT_EQ(test, gem_refs(obj), 1);
	KUNIT_ASSERT_EQ(test, kref_read(&vm->kref), 1);

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1 + refs, "GEM refs %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm->kref), 2, "VM refs %u",
			    kref_read(&vm->kref));

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1, "GEM refs %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * The final drm_gpuvm_bo_put() calls ::vm_bo_free once with vm_bo->obj
 * valid, and drops the GEM reference only without the flag.
 */
static void drm_test_gpuvm_weak_ref_bo_put(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	refs = vm_bo_gem_refs(vm);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_ASSERT_EQ(test, gem_refs(obj), 1 + refs);

	/* gpuvm_test_bo_put() holds the GEM's gpuva lock. */
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, 1, "::vm_bo_free ran %u times",
			    priv->vm_bo_frees);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_free_gem_refs, 1 + refs,
			    "GEM refs during ::vm_bo_free %u",
			    priv->vm_bo_free_gem_refs);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1, "GEM refs %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuva_unlink() dropping the last vm_bo reference frees the vm_bo like
 * the final drm_gpuvm_bo_put().
 */
static void drm_test_gpuvm_weak_ref_unlink(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;
	unsigned int refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	refs = vm_bo_gem_refs(vm);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, obj, 0);

	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_ASSERT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1 + refs, "GEM refs %u",
			    gem_refs(obj));

	gpuvm_test_va_unlink(test, va);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, 1, "::vm_bo_free ran %u times",
			    priv->vm_bo_frees);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_free_gem_refs, 1 + refs,
			    "GEM refs during ::vm_bo_free %u",
			    priv->vm_bo_free_gem_refs);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1, "GEM refs %u",
			    gem_refs(obj));

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/*
 * The teardown DRM_GPUVM_VA_WEAK_REF prescribes, run where a driver runs it:
 * in the worker the GEM's ::free queues at refcount zero. It removes both
 * mappings and frees the vm_bo before the GEM is released, with all counters
 * balanced and no use-after-free (KASAN).
 */
static void drm_test_gpuvm_weak_ref_teardown_order(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuva *va[2];
	struct drm_gpuvm *vm;
	unsigned int i;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	KUNIT_ASSERT_TRUE(test, drm_gpuvm_va_weak_ref(vm));
	obj = gpuvm_test_gem_alloc(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		va[i] = gpuvm_test_va_insert(test, vm, TEST_ADDR(i), TEST_UNIT,
					     obj, i * TEST_UNIT);
		gpuvm_test_va_link(test, va[i], vm_bo);
	}
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_ASSERT_EQ(test, gem_refs(obj), 1);

	gpuvm_test_gem_weak(test, obj, vm);
	drm_gem_object_put(obj);
	gpuvm_test_flush_frees(test);

	KUNIT_EXPECT_EQ(test, priv->obj_frees, 1);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, 1, "::vm_bo_free ran %u times",
			    priv->vm_bo_frees);
	KUNIT_EXPECT_LT_MSG(test, priv->vm_bo_free_seq, priv->obj_free_seq,
			    "GEM released before its vm_bo was freed");
	for (i = 0; i < ARRAY_SIZE(va); i++)
		KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(i), TEST_UNIT));
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	drm_gpuvm_put(vm);
}

/*
 * A shrinker may drop the last GEM reference under memory reclaim, where no
 * dma-resv lock may be taken: dma-resv locks are held around allocations.
 * ::free then only queues the free path, which takes the VM's resv in the
 * worker: lockdep stays on, and the mapping and the vm_bo go before the GEM.
 */
static void drm_test_gpuvm_weak_ref_put_in_reclaim(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_alloc(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, obj, 0);
	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	gpuvm_test_gem_weak(test, obj, vm);

	fs_reclaim_acquire(GFP_KERNEL);
	drm_gem_object_put(obj);
	fs_reclaim_release(GFP_KERNEL);
	gpuvm_test_flush_frees(test);

	KUNIT_EXPECT_EQ(test, priv->obj_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_LT(test, priv->vm_bo_free_seq, priv->obj_free_seq);
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(0), TEST_UNIT));
	KUNIT_EXPECT_TRUE_MSG(test, debug_locks || !priv->lockdep_on,
			      "lockdep reported the put under reclaim");
	drm_gpuvm_put(vm);
}

/*
 * A thread that a case starts counts from before it starts to its last
 * access to the case, so that .exit tears nothing down while it runs.
 */
static void gpuvm_test_thread_enter(struct gpuvm_test_priv *priv)
{
	atomic_inc(&priv->threads);
}

static void gpuvm_test_thread_leave(struct gpuvm_test_priv *priv)
{
	/* .exit sees what the thread did to the case once it reads 0. */
	smp_mb__before_atomic();
	atomic_dec(&priv->threads);
}

/* A thread of a race test, with its state in test-managed memory. */
struct gpuvm_test_thread {
	struct kunit *test;
	/* Completed to let the thread run @fn, if set. */
	struct completion *go;
	struct completion done;
	void (*fn)(struct gpuvm_test_thread *t);
	struct drm_gpuvm *vm;
	struct drm_gem_object *obj;
};

static int gpuvm_test_thread_fn(void *data)
{
	struct gpuvm_test_thread *t = data;
	struct gpuvm_test_priv *priv = t->test->priv;
	struct kunit *prev = gpuvm_test_adopt(t->test);

	if (!t->go || wait_for_completion_timeout(t->go, GPUVM_TEST_TIMEOUT))
		t->fn(t);
	current->kunit_test = prev;
	complete(&t->done);
	gpuvm_test_thread_leave(priv);

	return 0;
}

static struct gpuvm_test_thread *
gpuvm_test_thread_start(struct kunit *test,
			void (*fn)(struct gpuvm_test_thread *t),
			struct drm_gpuvm *vm, struct drm_gem_object *obj,
			struct completion *go)
{
	struct gpuvm_test_thread *t;
	struct task_struct *task;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	init_completion(&t->done);
	t->fn = fn;
	t->vm = vm;
	t->obj = obj;
	t->go = go;

	gpuvm_test_thread_enter(test->priv);
	task = kthread_run(gpuvm_test_thread_fn, t, "gpuvm-test");
	if (IS_ERR(task))
		gpuvm_test_thread_leave(test->priv);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));

	return t;
}

static void gpuvm_test_wait(struct kunit *test, struct completion *c,
			    const char *what)
{
	KUNIT_ASSERT_NE_MSG(test, wait_for_completion_timeout(c, GPUVM_TEST_TIMEOUT),
			    0, "timed out waiting for %s", what);
}

static void gpuvm_test_thread_put_gem(struct gpuvm_test_thread *t)
{
	drm_gem_object_put(t->obj);
}

/* The walks that reach a GEM through the VA tree or the extobj/evict lists. */
enum gpuvm_test_walk {
	WALK_PREPARE_RANGE,
	WALK_SM_MAP_EXEC_LOCK,
	WALK_SM_UNMAP_EXEC_LOCK,
	WALK_PREPARE_OBJECTS,
	WALK_VALIDATE,
};

struct gpuvm_walk_param {
	const char *desc;
	enum drm_gpuvm_flags flags;
	enum gpuvm_test_walk walk;
	/* The GEM shares the VM's dma-resv. */
	bool private;
};

static const struct gpuvm_walk_param gpuvm_walk_params[] = {
	{ "prepare_range weak_ref",
	  DRM_GPUVM_VA_WEAK_REF,
	  WALK_PREPARE_RANGE },
	{ "prepare_range resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF,
	  WALK_PREPARE_RANGE },
	{ "sm_map_exec_lock weak_ref",
	  DRM_GPUVM_VA_WEAK_REF,
	  WALK_SM_MAP_EXEC_LOCK },
	{ "sm_map_exec_lock resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF,
	  WALK_SM_MAP_EXEC_LOCK },
	{ "sm_unmap_exec_lock weak_ref",
	  DRM_GPUVM_VA_WEAK_REF,
	  WALK_SM_UNMAP_EXEC_LOCK },
	{ "sm_unmap_exec_lock resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF,
	  WALK_SM_UNMAP_EXEC_LOCK },
	{ "prepare_objects weak_ref",
	  DRM_GPUVM_VA_WEAK_REF,
	  WALK_PREPARE_OBJECTS },
	{ "prepare_objects resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF,
	  WALK_PREPARE_OBJECTS },
	{ "validate weak_ref",
	  DRM_GPUVM_VA_WEAK_REF,
	  WALK_VALIDATE },
	{ "validate resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF,
	  WALK_VALIDATE },
	/* A GEM that shares the VM's resv: no reference is taken at all. */
	{ "prepare_range private weak_ref", DRM_GPUVM_VA_WEAK_REF,
	  WALK_PREPARE_RANGE, true },
	{ "sm_map_exec_lock private weak_ref", DRM_GPUVM_VA_WEAK_REF,
	  WALK_SM_MAP_EXEC_LOCK, true },
	{ "validate private weak_ref", DRM_GPUVM_VA_WEAK_REF,
	  WALK_VALIDATE, true },
	{ "validate private resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF,
	  WALK_VALIDATE, true },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_walk, gpuvm_walk_params, desc);

static int gpuvm_test_walk(struct drm_gpuvm *vm, struct drm_exec *exec,
			   enum gpuvm_test_walk walk)
{
	struct drm_gpuvm_map_req req = {
		.map.va.addr = TEST_ADDR(0),
		.map.va.range = TEST_UNIT,
	};
	int ret;

	switch (walk) {
	case WALK_PREPARE_RANGE:
		return drm_gpuvm_prepare_range(vm, exec, TEST_ADDR(0),
					       TEST_UNIT, 1);
	case WALK_SM_MAP_EXEC_LOCK:
		return drm_gpuvm_sm_map_exec_lock(vm, exec, 1, &req);
	case WALK_SM_UNMAP_EXEC_LOCK:
		return drm_gpuvm_sm_unmap_exec_lock(vm, exec, TEST_ADDR(0),
						    TEST_UNIT);
	case WALK_PREPARE_OBJECTS:
		return drm_gpuvm_prepare_objects(vm, exec, 1);
	case WALK_VALIDATE:
		ret = drm_gpuvm_prepare_objects(vm, exec, 1);
		return ret ? ret : drm_gpuvm_validate(vm, exec);
	}

	return -EINVAL;
}

/*
 * Put @vm_bo on the lists the list walks take: the extobj list, and the
 * evict list for drm_gpuvm_validate().
 */
static void gpuvm_test_walk_lists(struct kunit *test,
				  struct drm_gpuvm_bo *vm_bo,
				  enum gpuvm_test_walk walk)
{
	if (walk != WALK_PREPARE_OBJECTS && walk != WALK_VALIDATE)
		return;

	gpuvm_test_lock(test, vm_bo->vm, vm_bo->obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	if (walk == WALK_VALIDATE)
		drm_gpuvm_bo_evict(vm_bo, true);
	gpuvm_test_unlock(test);
}

/* Lock the VM's resv and run @walk in a new &drm_exec context. */
static int gpuvm_test_lock_walk(struct drm_gpuvm *vm, struct drm_exec *exec,
				enum gpuvm_test_walk walk)
{
	int ret = 0;

	drm_exec_init(exec, DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_prepare_vm(vm, exec, 1);
		drm_exec_retry_on_contention(exec);
		if (!ret)
			ret = gpuvm_test_walk(vm, exec, walk);
		drm_exec_retry_on_contention(exec);
	}

	return ret;
}

/*
 * A GEM's free path runs (refcount zero) and waits for the VM's resv, which
 * a walk holds: the walk finds the dying GEM through the VA tree or the
 * extobj and evict lists and neither locks nor validates it, without a
 * refcount warning. prepare_range skips it, the
 * sm_*_exec_lock walks, whose caller would change the mapping, return
 * -EAGAIN and succeed once the free path removed the mapping and released
 * the GEM.
 */
static void drm_test_gpuvm_weak_ref_walk_vs_free(struct kunit *test)
{
	const struct gpuvm_walk_param *param = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct completion *free_entered, *go;
	struct gpuvm_test_thread *putter;
	bool let_go = false;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;
	unsigned int locked = 0;
	int ret = 0;

	vm = gpuvm_test_vm_create(test, param->flags);
	obj = gpuvm_test_gem_alloc(test, param->private);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, obj, 0);
	gpuvm_test_va_link(test, va, vm_bo);
	gpuvm_test_walk_lists(test, vm_bo, param->walk);
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));

	/* Test-managed: the free path and the putter may outlive the case. */
	free_entered = kunit_kzalloc(test, sizeof(*free_entered), GFP_KERNEL);
	go = kunit_kzalloc(test, sizeof(*go), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, free_entered);
	KUNIT_ASSERT_NOT_NULL(test, go);
	init_completion(free_entered);
	init_completion(go);
	gpuvm_test_gem_weak(test, obj, vm)->free_entered = free_entered;
	/* Drops the last GEM reference on another thread, once let go. */
	putter = gpuvm_test_thread_start(test, gpuvm_test_thread_put_gem,
					 vm, obj, go);

	kunit_warning_suppress(test) {
		drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES, 0);
		drm_exec_until_all_locked(&exec) {
			ret = drm_gpuvm_prepare_vm(vm, &exec, 1);
			drm_exec_retry_on_contention(&exec);
			if (!ret && !let_go) {
				let_go = true;
				complete(go);
				/* No assert while the VM's resv is held. */
				if (!wait_for_completion_timeout(free_entered,
								 GPUVM_TEST_TIMEOUT)) {
					KUNIT_FAIL(test, "the GEM's free path timed out");
					break;
				}
			}
			if (!ret)
				ret = gpuvm_test_walk(vm, &exec, param->walk);
			drm_exec_retry_on_contention(&exec);
		}
		locked = exec.num_objects;
		drm_exec_fini(&exec);
		/* The walk never locked the VM: the GEM is put all the same. */
		if (!let_go)
			complete(go);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 0);
	}
	KUNIT_EXPECT_EQ(test, ret,
			param->walk == WALK_SM_MAP_EXEC_LOCK ||
			param->walk == WALK_SM_UNMAP_EXEC_LOCK ? -EAGAIN : 0);
	KUNIT_EXPECT_EQ_MSG(test, locked, 1,
			    "the walk locked the dying GEM (%u objects)", locked);
	KUNIT_EXPECT_EQ_MSG(test, priv->validates, 0,
			    "the dying GEM was validated");

	gpuvm_test_wait(test, &putter->done, "the last GEM put");
	gpuvm_test_flush_frees(test);
	KUNIT_EXPECT_EQ(test, priv->obj_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_LT(test, priv->vm_bo_free_seq, priv->obj_free_seq);
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(0), TEST_UNIT));

	/* The caller's retry finds nothing left to lock. */
	ret = gpuvm_test_lock_walk(vm, &exec, param->walk);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, exec.num_objects, 1);
	drm_exec_fini(&exec);
	drm_gpuvm_put(vm);
}

/*
 * On a weak-ref VM, the walks lock a live GEM like on any VM, and
 * drm_gpuvm_exec_lock_range() takes the VM's resv that they need itself;
 * the GEM's refcount is back where it was afterwards.
 */
static void drm_test_gpuvm_weak_ref_walk_alive(struct kunit *test)
{
	const struct gpuvm_walk_param *param = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_exec vm_exec = {
		.flags = DRM_EXEC_IGNORE_DUPLICATES,
		.num_fences = 1,
	};
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;
	int ret = 0;

	vm = gpuvm_test_vm_create(test, param->flags);
	obj = gpuvm_test_gem_create(test, param->private);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, obj, 0);
	gpuvm_test_va_link(test, va, vm_bo);
	gpuvm_test_walk_lists(test, vm_bo, param->walk);
	KUNIT_ASSERT_EQ(test, gem_refs(obj), 1);

	ret = gpuvm_test_lock_walk(vm, &exec, param->walk);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, exec.num_objects, param->private ? 1 : 2);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(obj->resv));
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), param->private ? 1 : 2,
			    "only the exec's reference is left: %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ(test, priv->validates,
			param->walk == WALK_VALIDATE ? 1 : 0);
	drm_exec_fini(&exec);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	if (param->walk == WALK_PREPARE_RANGE) {
		vm_exec.vm = vm;
		KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock_range(&vm_exec,
								TEST_ADDR(0),
								TEST_UNIT), 0);
		KUNIT_EXPECT_EQ(test, vm_exec.exec.num_objects,
				param->private ? 1 : 2);
		KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
		drm_gpuvm_exec_unlock(&vm_exec);
		KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	}

	gpuvm_test_lock(test, vm, obj);
	drm_gpuva_remove(va);
	drm_gpuva_unlink(va);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * drm_exec_fini() drops the last reference of a GEM that a walk locked, with
 * the VM's resv still locked: ::free only queues the free path, which takes
 * the VM's resv once drm_exec_fini() let go of it. drm_exec holds no
 * reference on a GEM that shares the VM's resv: there the driver's own put
 * is the last, under the walk's lock.
 */
static void drm_test_gpuvm_weak_ref_exec_fini_last_put(struct kunit *test)
{
	const struct gpuvm_walk_param *param = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;
	int ret;

	vm = gpuvm_test_vm_create(test, param->flags);
	obj = gpuvm_test_gem_alloc(test, param->private);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT, obj, 0);
	gpuvm_test_va_link(test, va, vm_bo);
	gpuvm_test_walk_lists(test, vm_bo, param->walk);
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	gpuvm_test_gem_weak(test, obj, vm);

	ret = gpuvm_test_lock_walk(vm, &exec, param->walk);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, exec.num_objects, param->private ? 1 : 2);
	drm_gem_object_put(obj);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), param->private ? 0 : 1,
			    "not only drm_exec's reference is left");
	KUNIT_EXPECT_EQ(test, priv->obj_frees, 0);
	drm_exec_fini(&exec);
	KUNIT_EXPECT_TRUE_MSG(test, priv->free_vm_resv_locked,
			      "the last put did not run under the VM's resv");
	gpuvm_test_flush_frees(test);

	KUNIT_EXPECT_EQ(test, priv->obj_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_LT(test, priv->vm_bo_free_seq, priv->obj_free_seq);
	KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(0), TEST_UNIT));
	KUNIT_EXPECT_TRUE(test, debug_locks || !priv->lockdep_on);
	drm_gpuvm_put(vm);
}

/*
 * A GEM mapped in two weak-ref VMs: its free path removes the mapping in
 * each and frees both vm_bos before the GEM, under the VMs' resv.
 */
static void drm_test_gpuvm_weak_ref_two_vms(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm[2];
	unsigned int i;

	obj = gpuvm_test_gem_alloc(test, false);
	for (i = 0; i < ARRAY_SIZE(vm); i++) {
		struct drm_gpuvm_bo *vm_bo;
		struct drm_gpuva *va;

		vm[i] = gpuvm_test_vm_create(test, param_flags(test));
		vm_bo = gpuvm_test_bo_obtain(test, vm[i], obj);
		va = gpuvm_test_va_insert(test, vm[i], TEST_ADDR(i), TEST_UNIT,
					  obj, 0);
		gpuvm_test_va_link(test, va, vm_bo);
		KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	}
	KUNIT_ASSERT_EQ(test, gem_refs(obj), 1);
	gpuvm_test_gem_weak(test, obj, vm[0]);

	drm_gem_object_put(obj);
	gpuvm_test_flush_frees(test);

	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 2);
	KUNIT_EXPECT_EQ(test, priv->obj_frees, 1);
	KUNIT_EXPECT_LT_MSG(test, priv->vm_bo_free_seq, priv->obj_free_seq,
			    "GEM released before its last vm_bo was freed");
	for (i = 0; i < ARRAY_SIZE(vm); i++) {
		KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm[i], TEST_ADDR(i),
						       TEST_UNIT));
		KUNIT_EXPECT_EQ(test, kref_read(&vm[i]->kref), 1);
		drm_gpuvm_put(vm[i]);
	}
}

/* Every weak-ref combination, for the teardown in the GEM's ::free. */
static const struct gpuvm_flags_param gpuvm_weak_params[] = {
	{ "weak_ref", DRM_GPUVM_VA_WEAK_REF },
	{ "resv_protected|weak_ref",
	  DRM_GPUVM_RESV_PROTECTED | DRM_GPUVM_VA_WEAK_REF },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_weak, gpuvm_weak_params, desc);

/*
 * A case that stops early leaves its VM behind: .exit tears it down, with
 * its mapping, its vm_bo (on the extobj and evict lists) and every
 * reference the case held, and frees the VA the case lost, so that the
 * next case starts clean.
 */
static void drm_test_gpuvm_exit_reaps(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuva *va, *lost;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, obj, 0);
	/* A mapping of ::va_alloc that the case never freed. */
	lost = drm_gpuva_alloc(vm);
	KUNIT_ASSERT_NOT_NULL(test, lost);
	gpuvm_test_va_link(test, va, vm_bo);
	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_evict(vm_bo, true);
	gpuvm_test_unlock(test);
	drm_gpuvm_bo_get(vm_bo);
	drm_gpuvm_get(vm);

	gpuvm_test_vm_reap(test, vm);
	gpuvm_test_reap_vas(priv);

	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	KUNIT_EXPECT_PTR_EQ(test, priv->last_va_free, lost);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&priv->vms));
	KUNIT_EXPECT_EQ(test, kref_read(&priv->drm->ref), priv->drm_refs);
}

static struct kunit_case drm_gpuvm_bo_tests[] = {
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_obtain_put, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_obtain_existing,
			 gpuvm_flags_gen_params),
	KUNIT_CASE(drm_test_gpuvm_bo_obtain_prealloc_existing),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_find, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_get_put, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_holds_vm_ref, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_default_alloc, gpuvm_bo_ops_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_two_vms, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_link_unlink, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_va_iter, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_extobj_add, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_extobj_private, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_exec_lock_extobjs,
			 gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_prepare_vm, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_prepare_objects, gpuvm_flags_gen_params),
	KUNIT_CASE(drm_test_gpuvm_prepare_range),
	KUNIT_CASE_PARAM(drm_test_gpuvm_exec_lock_extra, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_exec_lock_array, gpuvm_flags_gen_params),
	KUNIT_CASE(drm_test_gpuvm_exec_lock_range),
	KUNIT_CASE_PARAM(drm_test_gpuvm_resv_add_fence, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_exec_lock_validate,
			 gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_validate_error, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_unmap_ops_create,
			 gpuvm_staged_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_evict_private,
			 gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_evict_extobj,
			 gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_gem_evict, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_validate, gpuvm_flags_gen_params),
	KUNIT_CASE(drm_test_gpuvm_validate_unsupported),
	KUNIT_CASE(drm_test_gpuvm_bo_alloc_enomem),
	KUNIT_CASE_PARAM(drm_test_gpuvm_exit_reaps, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_flag, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_bo_create,
			 gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_bo_put, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_unlink, gpuvm_flags_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_walk_vs_free,
			 gpuvm_walk_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_walk_alive,
			 gpuvm_walk_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_teardown_order,
			 gpuvm_weak_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_put_in_reclaim,
			 gpuvm_weak_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_exec_fini_last_put,
			 gpuvm_walk_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_weak_ref_two_vms,
			 gpuvm_weak_gen_params),
	{}
};

static struct kunit_suite drm_gpuvm_bo_test_suite = {
	.name = "drm_gpuvm_bo",
	.init = gpuvm_test_init,
	.exit = gpuvm_test_exit,
	.test_cases = drm_gpuvm_bo_tests,
};

/*
 * The last drm_gpuvm_bo_put_deferred() turns the vm_bo into a zombie that
 * keeps its GEM reference until drm_gpuvm_bo_deferred_cleanup().
 */
static void drm_test_gpuvm_bo_put_deferred_zombie(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo, *found;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	KUNIT_EXPECT_TRUE(test, vm_bo_queued(vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 2,
			    "a zombie must keep its GEM reference");
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);
	KUNIT_EXPECT_FALSE(test, llist_empty(&vm->bo_defer));
	KUNIT_EXPECT_TRUE(test, list_empty(&obj->gpuva.list));

	gpuvm_test_lock(test, vm, obj);
	found = drm_gpuvm_bo_find(vm, obj);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_NULL(test, found);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->bo_defer));

	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_put_deferred() of a non-last reference defers nothing. */
static void drm_test_gpuvm_bo_put_deferred_not_last(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	drm_gpuvm_bo_get(vm_bo);

	KUNIT_EXPECT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->bo_defer));
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_bo_put_deferred(NULL));

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);

	drm_gpuvm_put(vm);
}

/* drm_gpuva_unlink_defer() of the last VA leaves a zombie vm_bo behind. */
static void drm_test_gpuvm_unlink_defer(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, obj, 0);

	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));

	drm_gpuva_unlink_defer(va);
	KUNIT_EXPECT_NULL(test, va->vm_bo);
	KUNIT_EXPECT_TRUE(test, vm_bo_queued(vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_deferred_cleanup() without zombies leaves vm_bos alone. */
static void drm_test_gpuvm_deferred_cleanup_empty(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);

	gpuvm_test_bo_put(test, vm_bo);
	drm_gpuvm_put(vm);
}

/* With internal list locks a zombie leaves the extobj and evict lists. */
static void drm_test_gpuvm_zombie_leaves_lists(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	drm_gpuvm_bo_evict(vm_bo, true);
	gpuvm_test_unlock(test);
	KUNIT_ASSERT_TRUE(test, on_extobj_list(vm_bo));
	KUNIT_ASSERT_TRUE(test, on_evict_list(vm_bo));

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);

	drm_gpuvm_put(vm);
}

/*
 * With DRM_GPUVM_RESV_PROTECTED a zombie stays listed until the cleanup,
 * and drm_gpuvm_validate() and drm_gpuvm_prepare_objects() skip it.
 */
static void drm_test_gpuvm_zombie_stays_listed(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gpuvm_bo *vm_ext, *vm_private;
	struct drm_gem_object *ext, *private;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE |
				  DRM_GPUVM_RESV_PROTECTED);
	ext = gpuvm_test_gem_create(test, false);
	private = gpuvm_test_gem_create(test, true);
	vm_ext = gpuvm_test_bo_obtain(test, vm, ext);
	vm_private = gpuvm_test_bo_obtain(test, vm, private);

	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_ext);
	gpuvm_test_unlock(test);
	gpuvm_test_lock(test, vm, private);
	drm_gpuvm_bo_evict(vm_private, true);
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_bo_put_deferred(vm_ext));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_bo_put_deferred(vm_private));
	KUNIT_EXPECT_TRUE(test, on_extobj_list(vm_ext));
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_private));

	gpuvm_test_lock(test, vm, NULL);
	KUNIT_EXPECT_EQ(test, drm_gpuvm_validate(vm, NULL), 0);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_EQ_MSG(test, priv->validates, 0,
			    "zombies must not be validated");

	/* The listed zombie's GEM is not locked either. */
	vm_exec.vm = vm;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(drm_gpuvm_resv(vm)));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	drm_gpuvm_exec_unlock(&vm_exec);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->evict.list));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 2);
	KUNIT_EXPECT_EQ(test, gem_refs(ext), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(private), 1);

	drm_gpuvm_put(vm);
}

/* Obtaining the combination of a zombie creates a fresh vm_bo. */
static void drm_test_gpuvm_obtain_after_zombie(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *zombie, *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	zombie = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_ASSERT_TRUE(test, drm_gpuvm_bo_put_deferred(zombie));

	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_EXPECT_PTR_NE(test, vm_bo, zombie);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 3);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 2);

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuva_unlink_defer_free() takes the VA off its vm_bo's list, keeps its
 * vm_bo reference and frees nothing until drm_gpuvm_bo_deferred_cleanup().
 */
static void drm_test_gpuvm_unlink_defer_free_queues(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_new(test, vm, TEST_VA_BASE, SZ_64K, obj);
	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	KUNIT_ASSERT_EQ(test, kref_read(&vm_bo->kref), 1);

	drm_gpuva_remove(va);
	drm_gpuva_unlink_defer_free(va);

	KUNIT_EXPECT_TRUE(test, list_empty(&vm_bo->list.gpuva));
	KUNIT_EXPECT_PTR_EQ(test, va->vm_bo, vm_bo);
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm_bo->kref), 1, "vm_bo refs %u",
			    kref_read(&vm_bo->kref));
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));
	KUNIT_EXPECT_EQ(test, llist_count(&vm->va_defer), 1);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	/* The test's and the vm_bo's. */
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 2, "GEM refs %u",
			    gem_refs(obj));

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * A never linked VA, a VA without GEM and an already unlinked VA are each
 * only queued by drm_gpuva_unlink_defer_free().
 */
static void drm_test_gpuvm_unlink_defer_free_unlinked(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *never, *sparse, *unlinked;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	never = gpuvm_test_va_new(test, vm, TEST_ADDR(0), TEST_UNIT, obj);
	sparse = gpuvm_test_va_new(test, vm, TEST_ADDR(1), TEST_UNIT, NULL);
	unlinked = gpuvm_test_va_new(test, vm, TEST_ADDR(2), TEST_UNIT, obj);
	gpuvm_test_va_link(test, unlinked, vm_bo);
	gpuvm_test_va_unlink(test, unlinked);
	KUNIT_ASSERT_EQ(test, kref_read(&vm_bo->kref), 1);

	drm_gpuva_remove(never);
	drm_gpuva_unlink_defer_free(never);
	drm_gpuva_remove(sparse);
	drm_gpuva_unlink_defer_free(sparse);
	drm_gpuva_remove(unlinked);
	drm_gpuva_unlink_defer_free(unlinked);

	KUNIT_EXPECT_EQ(test, llist_count(&vm->va_defer), 3);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm_bo->list.gpuva));
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ_MSG(test, priv->va_frees, 3, "::va_free ran %u times",
			    priv->va_frees);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * N mappings sharing a vm_bo are freed by one drm_gpuvm_bo_deferred_cleanup(),
 * which frees the vm_bo as well and drops its GEM reference, if any.
 */
static void drm_test_gpuvm_deferred_cleanup_shared_bo(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuva *va[TEST_MAX_WATCH];
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	unsigned int i, refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	/* The vm_bo's reference. */
	refs = 1;
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	for (i = 0; i < ARRAY_SIZE(va); i++) {
		va[i] = gpuvm_test_va_new(test, vm, TEST_ADDR(i), TEST_UNIT,
					  obj);
		gpuvm_test_va_link(test, va[i], vm_bo);
	}
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));

	for (i = 0; i < ARRAY_SIZE(va); i++) {
		drm_gpuva_remove(va[i]);
		drm_gpuva_unlink_defer_free(va[i]);
	}
	KUNIT_ASSERT_EQ(test, kref_read(&vm_bo->kref), ARRAY_SIZE(va));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + refs);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ_MSG(test, priv->va_frees, ARRAY_SIZE(va),
			    "::va_free ran %u times", priv->va_frees);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, 1,
			    "::vm_bo_free ran %u times", priv->vm_bo_frees);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 1, "GEM refs %u",
			    gem_refs(obj));
	KUNIT_EXPECT_EQ_MSG(test, kref_read(&vm->kref), 1, "VM refs %u",
			    kref_read(&vm->kref));
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->va_defer));
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->bo_defer));
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_bo_deferred_cleanup() frees each VA while the VA still holds its
 * vm_bo reference, so ::va_free sees the vm_bo and its GEM alive, drops the
 * reference afterwards, and frees the vm_bo only after its last VA.
 */
static void drm_test_gpuvm_deferred_cleanup_free_before_put(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuva *va[2];
	struct drm_gpuvm *vm;
	unsigned int i;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	for (i = 0; i < ARRAY_SIZE(va); i++) {
		va[i] = gpuvm_test_va_new(test, vm, TEST_ADDR(i), TEST_UNIT,
					  obj);
		gpuvm_test_va_link(test, va[i], vm_bo);
	}
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	for (i = 0; i < ARRAY_SIZE(va); i++) {
		drm_gpuva_remove(va[i]);
		drm_gpuva_unlink_defer_free(va[i]);
	}

	priv->watch_bo = vm_bo;
	drm_gpuvm_bo_deferred_cleanup(vm);
	priv->watch_bo = NULL;

	KUNIT_EXPECT_EQ_MSG(test, priv->va_free_with_vm_bo, 2,
			    "only %u mappings had their vm_bo in ::va_free",
			    priv->va_free_with_vm_bo);
	KUNIT_ASSERT_EQ(test, priv->va_frees, 2);
	KUNIT_EXPECT_EQ_MSG(test, priv->watch_refs[0], 2,
			    "vm_bo refs at the first ::va_free %u",
			    priv->watch_refs[0]);
	KUNIT_EXPECT_EQ_MSG(test, priv->watch_refs[1], 1,
			    "vm_bo refs at the second ::va_free %u",
			    priv->watch_refs[1]);
	/* The test's and the vm_bo's. */
	KUNIT_EXPECT_EQ_MSG(test, priv->va_free_gem_refs, 2,
			    "GEM refs at the last ::va_free %u",
			    priv->va_free_gem_refs);
	KUNIT_EXPECT_EQ_MSG(test, priv->watch_bo_frees[1], 0,
			    "vm_bo freed before its last VA");
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	drm_gpuvm_put(vm);
}

/*
 * A vm_bo with another holder survives the cleanup of its mappings and is
 * freed only by the cleanup after its last reference was dropped.
 */
static void drm_test_gpuvm_deferred_cleanup_bo_held(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuva *va[2];
	struct drm_gpuvm *vm;
	unsigned int i, refs;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	refs = vm_bo_gem_refs(vm);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	for (i = 0; i < ARRAY_SIZE(va); i++) {
		va[i] = gpuvm_test_va_new(test, vm, TEST_ADDR(i), TEST_UNIT,
					  obj);
		gpuvm_test_va_link(test, va[i], vm_bo);
		drm_gpuva_remove(va[i]);
		drm_gpuva_unlink_defer_free(va[i]);
	}
	KUNIT_ASSERT_EQ(test, kref_read(&vm_bo->kref), 3);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 2);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, 0,
			    "vm_bo freed while still referenced");
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1 + refs);

	KUNIT_EXPECT_TRUE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * One drm_gpuvm_bo_deferred_cleanup() also finishes the zombies queued by
 * drm_gpuvm_bo_put_deferred() and drm_gpuva_unlink_defer(), leaves nothing
 * queued behind, and a second call does nothing.
 */
static void drm_test_gpuvm_deferred_cleanup_zombies(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *put_bo, *unlink_bo, *free_bo;
	struct drm_gem_object *put_obj, *unlink_obj, *free_obj;
	struct drm_gpuva *unlink_va, *free_va;
	struct drm_gpuvm *vm;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	put_obj = gpuvm_test_gem_create(test, false);
	unlink_obj = gpuvm_test_gem_create(test, true);
	free_obj = gpuvm_test_gem_create(test, false);
	put_bo = gpuvm_test_bo_obtain(test, vm, put_obj);
	unlink_bo = gpuvm_test_bo_obtain(test, vm, unlink_obj);
	free_bo = gpuvm_test_bo_obtain(test, vm, free_obj);

	gpuvm_test_lock(test, vm, put_obj);
	drm_gpuvm_bo_extobj_add(put_bo);
	gpuvm_test_unlock(test);
	KUNIT_ASSERT_TRUE(test, drm_gpuvm_bo_put_deferred(put_bo));

	unlink_va = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT,
					 unlink_obj, 0);
	gpuvm_test_va_link(test, unlink_va, unlink_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(unlink_bo));
	drm_gpuva_remove(unlink_va);
	drm_gpuva_unlink_defer(unlink_va);

	free_va = gpuvm_test_va_new(test, vm, TEST_ADDR(1), TEST_UNIT, free_obj);
	gpuvm_test_va_link(test, free_va, free_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(free_bo));
	drm_gpuva_remove(free_va);
	drm_gpuva_unlink_defer_free(free_va);

	KUNIT_ASSERT_EQ(test, llist_count(&vm->bo_defer), 2);
	KUNIT_ASSERT_EQ(test, llist_count(&vm->va_defer), 1);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->bo_defer));
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->va_defer));
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, 3,
			    "::vm_bo_free ran %u times", priv->vm_bo_frees);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(put_obj), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(unlink_obj), 1);
	KUNIT_EXPECT_EQ(test, gem_refs(free_obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 3);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	drm_gpuvm_put(vm);
}

/*
 * A driver using only drm_gpuva_unlink_defer() and
 * drm_gpuvm_bo_deferred_cleanup(), as panthor does, works as before.
 */
static void drm_test_gpuvm_bo_deferred_cleanup_only(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, obj, 0);
	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));

	drm_gpuva_remove(va);
	drm_gpuva_unlink_defer(va);
	KUNIT_EXPECT_TRUE(test, llist_empty(&vm->va_defer));
	drm_gpuvm_bo_deferred_cleanup(vm);

	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, gem_refs(obj), 1);
	KUNIT_EXPECT_EQ(test, priv->va_allocs + priv->va_frees, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * A queued VA keeps its vm_bo on the VM's extobj list until the cleanup:
 * drm_gpuvm_exec_lock() still locks the external GEM the VM no longer maps,
 * and stops doing so once drm_gpuvm_bo_deferred_cleanup() ran.
 */
static void drm_test_gpuvm_unlink_defer_free_locks_until_cleanup(struct kunit *test)
{
	struct drm_gpuvm_exec vm_exec = {};
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *ext;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	vm = gpuvm_test_vm_create(test, param_flags(test));
	ext = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, ext);
	gpuvm_test_lock(test, vm, ext);
	drm_gpuvm_bo_extobj_add(vm_bo);
	gpuvm_test_unlock(test);
	va = gpuvm_test_va_new(test, vm, TEST_VA_BASE, SZ_64K, ext);
	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	drm_gpuva_remove(va);
	drm_gpuva_unlink_defer_free(va);

	vm_exec.vm = vm;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	KUNIT_EXPECT_EQ_MSG(test, vm_exec.exec.num_objects, 2,
			    "the queued VA's GEM is not locked");
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(ext->resv));
	drm_gpuvm_exec_unlock(&vm_exec);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));

	memset(&vm_exec, 0, sizeof(vm_exec));
	vm_exec.vm = vm;
	KUNIT_ASSERT_EQ(test, drm_gpuvm_exec_lock(&vm_exec), 0);
	KUNIT_EXPECT_EQ(test, vm_exec.exec.num_objects, 1);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(ext->resv));
	drm_gpuvm_exec_unlock(&vm_exec);
	drm_gpuvm_put(vm);
}

/*
 * The functions documented for the dma-fence signalling path,
 * drm_gpuvm_bo_put_deferred(), drm_gpuva_unlink_defer() and
 * drm_gpuva_unlink_defer_free(), run inside a signalling section without a
 * lockdep report, including when they drop a vm_bo's last reference.
 */
static void drm_test_gpuvm_deferred_signalling(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *put_bo, *unlink_bo, *free_bo;
	struct drm_gem_object *obj[3];
	struct drm_gpuva *unlink_va, *free_va;
	struct drm_gpuvm *vm;
	bool cookie;
	unsigned int i;

	if (!IS_ENABLED(CONFIG_PROVE_LOCKING))
		kunit_skip(test, "requires CONFIG_PROVE_LOCKING");
	if (!debug_locks)
		kunit_skip(test, "an earlier lockdep report turned lockdep off");

	vm = gpuvm_test_vm_create(test, param_flags(test));
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		obj[i] = gpuvm_test_gem_create(test, i == 1);
	put_bo = gpuvm_test_bo_obtain(test, vm, obj[0]);
	unlink_bo = gpuvm_test_bo_obtain(test, vm, obj[1]);
	free_bo = gpuvm_test_bo_obtain(test, vm, obj[2]);
	unlink_va = gpuvm_test_va_insert(test, vm, TEST_ADDR(0), TEST_UNIT,
					 obj[1], 0);
	gpuvm_test_va_link(test, unlink_va, unlink_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(unlink_bo));
	free_va = gpuvm_test_va_new(test, vm, TEST_ADDR(1), TEST_UNIT, obj[2]);
	gpuvm_test_va_link(test, free_va, free_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(free_bo));
	drm_gpuva_remove(unlink_va);
	drm_gpuva_remove(free_va);

	cookie = dma_fence_begin_signalling();
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_bo_put_deferred(put_bo));
	drm_gpuva_unlink_defer(unlink_va);
	drm_gpuva_unlink_defer_free(free_va);
	dma_fence_end_signalling(cookie);

	KUNIT_EXPECT_TRUE_MSG(test, debug_locks,
			      "lockdep reported a problem in the signalling path");
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);

	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 3);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	drm_gpuvm_put(vm);
}

#define STRESS_THREADS		4
#define STRESS_VAS		500
#define STRESS_OBJS		(TEST_MAX_OBJS - 1)
#define STRESS_PUT_EVERY	50
#define STRESS_YIELD_EVERY	10

struct gpuvm_test_stress;

struct gpuvm_test_stress_worker {
	struct gpuvm_test_stress *s;
	unsigned int id;
};

/* In test-managed memory: the threads never see the test's stack. */
struct gpuvm_test_stress {
	struct kunit *test;
	struct drm_gpuvm *vm;
	struct drm_gpuva **gpuvas;
	struct drm_gpuvm_bo *bos[STRESS_OBJS];
	/* The driver lock protecting the VA tree. */
	struct mutex tree_lock;
	struct gpuvm_test_stress_worker workers[STRESS_THREADS];
	struct completion done[STRESS_THREADS];
	unsigned int cleanups;
};

static int gpuvm_test_stress_queue(void *data)
{
	struct gpuvm_test_stress_worker *w = data;
	struct gpuvm_test_stress *s = w->s;
	struct gpuvm_test_priv *priv = s->test->priv;
	struct kunit *prev = gpuvm_test_adopt(s->test);
	unsigned int i;

	for (i = 0; i < STRESS_VAS; i++) {
		struct drm_gpuva *va = s->gpuvas[w->id * STRESS_VAS + i];

		mutex_lock(&s->tree_lock);
		drm_gpuva_remove(va);
		mutex_unlock(&s->tree_lock);
		drm_gpuva_unlink_defer_free(va);

		if (i % STRESS_PUT_EVERY == 0)
			drm_gpuvm_bo_put_deferred(s->bos[(w->id + i) %
							 STRESS_OBJS]);

		/* Let the other threads in, even without preemption. */
		if (i % STRESS_YIELD_EVERY == 0)
			usleep_range(5, 20);
		else
			cond_resched();
	}
	current->kunit_test = prev;
	complete(&s->done[w->id]);
	gpuvm_test_thread_leave(priv);

	return 0;
}

static int gpuvm_test_stress_cleanup(void *data)
{
	struct gpuvm_test_stress *s = data;
	struct kunit *prev = gpuvm_test_adopt(s->test);

	while (!kthread_should_stop()) {
		drm_gpuvm_bo_deferred_cleanup(s->vm);
		s->cleanups++;
		usleep_range(5, 20);
	}
	current->kunit_test = prev;

	return 0;
}

/*
 * Threads queueing mappings with drm_gpuva_unlink_defer_free() and dropping
 * vm_bo references with drm_gpuvm_bo_put_deferred(), concurrently with a
 * thread running drm_gpuvm_bo_deferred_cleanup(), free every VA and vm_bo
 * exactly once.
 */
static void drm_test_gpuvm_deferred_cleanup_concurrent(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gem_object *objs[STRESS_OBJS];
	struct task_struct *cleaner, *task;
	struct gpuvm_test_stress *s;
	unsigned int i, w, total;
	ktime_t start;

	total = STRESS_THREADS * STRESS_VAS;
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->test = test;
	s->gpuvas = kunit_kcalloc(test, total, sizeof(*s->gpuvas), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->gpuvas);
	mutex_init(&s->tree_lock);

	s->vm = gpuvm_test_vm_create(test, param_flags(test));
	for (i = 0; i < STRESS_OBJS; i++) {
		objs[i] = gpuvm_test_gem_create(test, i & 1);
		s->bos[i] = gpuvm_test_bo_obtain(test, s->vm, objs[i]);
	}

	for (i = 0; i < total; i++) {
		struct drm_gem_object *obj = objs[i % STRESS_OBJS];

		s->gpuvas[i] = gpuvm_test_va_new(test, s->vm,
						 TEST_VA_BASE + (u64)i * SZ_4K,
						 SZ_4K, obj);
		mutex_lock(&obj->gpuva.lock);
		drm_gpuva_link(s->gpuvas[i], s->bos[i % STRESS_OBJS]);
		mutex_unlock(&obj->gpuva.lock);
	}

	/* The references the workers drop with drm_gpuvm_bo_put_deferred(). */
	for (w = 0; w < STRESS_THREADS; w++)
		for (i = 0; i < STRESS_VAS; i += STRESS_PUT_EVERY)
			drm_gpuvm_bo_get(s->bos[(w + i) % STRESS_OBJS]);
	/* From now on only the mappings and the workers hold the vm_bos. */
	for (i = 0; i < STRESS_OBJS; i++)
		KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(s->bos[i]));

	start = ktime_get();
	cleaner = kthread_run(gpuvm_test_stress_cleanup, s, "gpuvm-cleanup");
	KUNIT_ASSERT_FALSE(test, IS_ERR(cleaner));
	for (w = 0; w < STRESS_THREADS; w++) {
		init_completion(&s->done[w]);
		s->workers[w].s = s;
		s->workers[w].id = w;
		gpuvm_test_thread_enter(priv);
		task = kthread_run(gpuvm_test_stress_queue, &s->workers[w],
				   "gpuvm-queue-%u", w);
		if (IS_ERR(task)) {
			/* Run it here instead, so nothing is left queued. */
			gpuvm_test_stress_queue(&s->workers[w]);
		}
	}
	for (w = 0; w < STRESS_THREADS; w++)
		if (!wait_for_completion_timeout(&s->done[w],
						 GPUVM_TEST_TIMEOUT))
			break;
	kthread_stop(cleaner);
	KUNIT_ASSERT_EQ_MSG(test, w, STRESS_THREADS,
			    "queueing thread %u timed out", w);
	drm_gpuvm_bo_deferred_cleanup(s->vm);

	kunit_info(test, "%u threads x %u mappings, %u cleanups, %lld ms\n",
		   STRESS_THREADS, STRESS_VAS, s->cleanups,
		   ktime_ms_delta(ktime_get(), start));

	KUNIT_EXPECT_EQ_MSG(test, priv->va_frees, total,
			    "::va_free ran %u times for %u mappings",
			    priv->va_frees, total);
	KUNIT_EXPECT_EQ(test, priv->va_allocs, total);
	KUNIT_EXPECT_EQ(test, priv->va_free_with_vm_bo, total);
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_bo_frees, STRESS_OBJS,
			    "::vm_bo_free ran %u times", priv->vm_bo_frees);
	for (i = 0; i < STRESS_OBJS; i++)
		KUNIT_EXPECT_EQ_MSG(test, gem_refs(objs[i]), 1,
				    "GEM %u refs %u", i, gem_refs(objs[i]));
	KUNIT_EXPECT_EQ(test, kref_read(&s->vm->kref), 1);
	KUNIT_EXPECT_TRUE(test, llist_empty(&s->vm->va_defer));
	KUNIT_EXPECT_TRUE(test, llist_empty(&s->vm->bo_defer));

	drm_gpuvm_put(s->vm);
	mutex_destroy(&s->tree_lock);
}

/* Immediate mode, for the concurrency test. */
static const struct gpuvm_flags_param gpuvm_ref_params[] = {
	{ "immediate", DRM_GPUVM_IMMEDIATE_MODE },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_ref, gpuvm_ref_params, desc);

static struct kunit_case drm_gpuvm_deferred_tests[] = {
	KUNIT_CASE(drm_test_gpuvm_bo_put_deferred_zombie),
	KUNIT_CASE(drm_test_gpuvm_bo_put_deferred_not_last),
	KUNIT_CASE(drm_test_gpuvm_unlink_defer),
	KUNIT_CASE(drm_test_gpuvm_deferred_cleanup_empty),
	KUNIT_CASE(drm_test_gpuvm_zombie_leaves_lists),
	KUNIT_CASE(drm_test_gpuvm_zombie_stays_listed),
	KUNIT_CASE(drm_test_gpuvm_obtain_after_zombie),
	KUNIT_CASE_PARAM(drm_test_gpuvm_unlink_defer_free_queues,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_unlink_defer_free_unlinked,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_deferred_cleanup_shared_bo,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_deferred_cleanup_free_before_put,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_deferred_cleanup_bo_held,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_deferred_cleanup_zombies,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_bo_deferred_cleanup_only,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_unlink_defer_free_locks_until_cleanup,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_deferred_signalling,
			 gpuvm_immediate_gen_params),
	KUNIT_CASE_PARAM_ATTR(drm_test_gpuvm_deferred_cleanup_concurrent,
			      gpuvm_ref_gen_params, { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite drm_gpuvm_deferred_test_suite = {
	.name = "drm_gpuvm_deferred",
	.init = gpuvm_test_init,
	.exit = gpuvm_test_exit,
	.test_cases = drm_gpuvm_deferred_tests,
};

/*
 * Misuse WARNs. Without CONFIG_BUG the WARN is a no-op and the suppressed
 * warning count stays zero, so these tests need it.
 */
static void require_bug(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_BUG))
		kunit_skip(test, "requires CONFIG_BUG");
}

/* A VM range overflowing u64 WARNs, the VM is still freed once. */
static void drm_test_gpuvm_warn_init_overflow(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm = NULL;

	require_bug(test);

	kunit_warning_suppress(test) {
		vm = gpuvm_test_vm_init(test, "overflow", 0,
					U64_MAX - SZ_64K + 1, SZ_1M, 0, 0,
					&gpuvm_test_ops);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}

	KUNIT_ASSERT_NOT_NULL(test, vm);
	/* The wrapped end makes every range invalid. */
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_range_valid(vm, U64_MAX - SZ_64K + 1,
						       SZ_4K));
	drm_gpuvm_put(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
}

/* The kernel reserved node cannot be removed by drm_gpuva_remove(). */
static void drm_test_gpuvm_warn_remove_kernel_node(struct kunit *test)
{
	struct drm_gpuvm *vm;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, 0);

	kunit_warning_suppress(test) {
		drm_gpuva_remove(&vm->kernel_alloc_node);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}

	KUNIT_EXPECT_PTR_EQ(test, drm_gpuva_find(vm, TEST_RSV_START,
						 TEST_RSV_RANGE),
			    &vm->kernel_alloc_node);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	drm_gpuvm_put(vm);
}

/*
 * Freeing a VM without ::vm_free WARNs and leaves the memory and the
 * drm_device reference to the caller; the resv object is released.
 */
static void drm_test_gpuvm_warn_put_without_vm_free(struct kunit *test)
{
	static const struct drm_gpuvm_ops no_vm_free_ops = {};
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;

	require_bug(test);

	vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	drm_gpuvm_init(vm, "no-vm-free", 0, priv->drm, priv->r_obj,
		       TEST_VM_START, TEST_VM_RANGE, TEST_RSV_START,
		       TEST_RSV_RANGE, &no_vm_free_ops);

	kunit_warning_suppress(test) {
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}

	KUNIT_EXPECT_EQ(test, gem_refs(priv->r_obj), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&priv->drm->ref), priv->drm_refs + 1);
	drm_dev_put(priv->drm);
}

/* drm_gpuvm_bo_obtain_locked() WARNs in immediate mode. */
static void drm_test_gpuvm_warn_obtain_locked_immediate(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo = NULL;
	struct drm_gem_object *obj;
	unsigned int noreclaim;
	struct drm_gpuvm *vm;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);

	/*
	 * The misuse allocates under gpuva.lock, which the dma-fence
	 * signalling path takes: keep that out of lockdep's view of reclaim,
	 * or it reports the inversion and turns itself off for the boot.
	 */
	noreclaim = memalloc_noreclaim_save();
	kunit_warning_suppress(test) {
		gpuvm_test_lock(test, vm, obj);
		vm_bo = drm_gpuvm_bo_obtain_locked(vm, obj);
		gpuvm_test_unlock(test);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	memalloc_noreclaim_restore(noreclaim);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm_bo);
	KUNIT_EXPECT_PTR_EQ(test, vm_bo->obj, obj);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_obtain_prealloc() WARNs outside of immediate mode. */
static void drm_test_gpuvm_warn_obtain_prealloc_not_immediate(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = drm_gpuvm_bo_create(vm, obj);
	KUNIT_ASSERT_NOT_NULL(test, vm_bo);

	gpuvm_test_lock(test, vm, obj);
	kunit_warning_suppress(test) {
		vm_bo = drm_gpuvm_bo_obtain_prealloc(vm_bo);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	gpuvm_test_unlock(test);

	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * Lock assertions. Each case leaves out one lock that the function's
 * kernel-doc requires and expects lockdep_assert()'s WARN, and that the
 * function did its work all the same. The assertions exist only with
 * CONFIG_LOCKDEP and check nothing once lockdep turned itself off after a
 * report; no case may provoke a real lockdep report.
 *
 * A case that leaves out a dma-resv lock takes the ones it holds without a
 * ww_acquire_ctx: under one, lockdep counts every lock of the reservation
 * class as held (the first_lock_dep_map of ww_acquire_init()), and
 * dma_resv_assert_held() cannot tell one dma-resv from another.
 */
static void require_lockdep(struct kunit *test)
{
	require_bug(test);
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		kunit_skip(test, "requires CONFIG_LOCKDEP");
	if (!debug_locks)
		kunit_skip(test, "an earlier lockdep report turned lockdep off");
}

/* The GEM's gpuva lock: its dma-resv, or gpuva.lock in immediate mode. */
static const struct gpuvm_flags_param gpuvm_gpuva_lock_params[] = {
	{ "dma-resv", 0 },
	{ "gpuva.lock, immediate mode", DRM_GPUVM_IMMEDIATE_MODE },
};

KUNIT_ARRAY_PARAM_DESC(gpuvm_gpuva_lock, gpuvm_gpuva_lock_params, desc);

/*
 * Take what gpuvm_test_lock() takes for the external GEM @obj but its gpuva
 * lock: only the VM's dma-resv outside of immediate mode, both dma-resvs
 * but not gpuva.lock in immediate mode.
 */
static void gpuvm_test_lock_but_gpuva(struct kunit *test, struct drm_gpuvm *vm,
				      struct drm_gem_object *obj)
{
	const struct gpuvm_flags_param *p = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;

	if (!(p->flags & DRM_GPUVM_IMMEDIATE_MODE)) {
		dma_resv_lock(drm_gpuvm_resv(vm), NULL);
		return;
	}

	gpuvm_test_lock(test, vm, obj);
	mutex_unlock(priv->locked_gpuva);
	priv->locked_gpuva = NULL;
}

static void gpuvm_test_unlock_but_gpuva(struct kunit *test,
					struct drm_gpuvm *vm)
{
	const struct gpuvm_flags_param *p = test->param_value;

	if (!(p->flags & DRM_GPUVM_IMMEDIATE_MODE))
		dma_resv_unlock(drm_gpuvm_resv(vm));
	else
		gpuvm_test_unlock(test);
}

/*
 * drm_gpuva_link() and drm_gpuva_unlink() assert the GEM's gpuva lock, and
 * still link and unlink.
 */
static void drm_test_gpuvm_lockdep_link_unlink(struct kunit *test)
{
	const struct gpuvm_flags_param *p = test->param_value;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, p->flags);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, obj, 0);

	gpuvm_test_lock_but_gpuva(test, vm, obj);
	kunit_warning_suppress(test) {
		drm_gpuva_link(va, vm_bo);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	gpuvm_test_unlock_but_gpuva(test, vm);
	KUNIT_EXPECT_PTR_EQ(test, va->vm_bo, vm_bo);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&vm_bo->list.gpuva));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 2);

	gpuvm_test_lock_but_gpuva(test, vm, obj);
	kunit_warning_suppress(test) {
		drm_gpuva_unlink(va);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	gpuvm_test_unlock_but_gpuva(test, vm);
	KUNIT_EXPECT_NULL(test, va->vm_bo);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm_bo->list.gpuva));
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, debug_locks);

	gpuvm_test_remove_all(vm);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * The last drm_gpuvm_bo_put() asserts the GEM's gpuva lock, and frees the
 * vm_bo.
 */
static void drm_test_gpuvm_lockdep_bo_put(struct kunit *test)
{
	const struct gpuvm_flags_param *p = test->param_value;
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	bool freed = false;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, p->flags);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	gpuvm_test_lock_but_gpuva(test, vm, obj);
	kunit_warning_suppress(test) {
		freed = drm_gpuvm_bo_put(vm_bo);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	gpuvm_test_unlock_but_gpuva(test, vm);

	KUNIT_EXPECT_TRUE(test, freed);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&obj->gpuva.list));
	KUNIT_EXPECT_TRUE(test, debug_locks);
	drm_gpuvm_put(vm);
}

/*
 * With DRM_GPUVM_RESV_PROTECTED, the last drm_gpuvm_bo_put() also asserts
 * the VM's dma-resv, which guards the extobj and evict lists it leaves.
 */
static void drm_test_gpuvm_lockdep_bo_put_resv_protected(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	bool freed = false;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_RESV_PROTECTED);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	gpuvm_test_unlock(test);
	KUNIT_ASSERT_TRUE(test, on_extobj_list(vm_bo));

	dma_resv_lock(obj->resv, NULL);
	kunit_warning_suppress(test) {
		freed = drm_gpuvm_bo_put(vm_bo);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	dma_resv_unlock(obj->resv);

	KUNIT_EXPECT_TRUE(test, freed);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&vm->extobj.list));
	KUNIT_EXPECT_TRUE(test, debug_locks);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuvm_bo_obtain_locked() asserts the GEM's dma-resv twice, for the
 * lookup and the insertion, and creates the vm_bo.
 */
static void drm_test_gpuvm_lockdep_obtain_locked(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo = NULL;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);

	dma_resv_lock(drm_gpuvm_resv(vm), NULL);
	kunit_warning_suppress(test) {
		vm_bo = drm_gpuvm_bo_obtain_locked(vm, obj);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 2);
	}
	dma_resv_unlock(drm_gpuvm_resv(vm));

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm_bo);
	KUNIT_EXPECT_PTR_EQ(test, vm_bo->obj, obj);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&obj->gpuva.list));
	KUNIT_EXPECT_TRUE(test, debug_locks);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * With DRM_GPUVM_RESV_PROTECTED, drm_gpuvm_bo_extobj_add() asserts the VM's
 * dma-resv, and adds the vm_bo to the extobj list once.
 */
static void drm_test_gpuvm_lockdep_extobj_add(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_RESV_PROTECTED);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	dma_resv_lock(obj->resv, NULL);
	kunit_warning_suppress(test) {
		drm_gpuvm_bo_extobj_add(vm_bo);
		drm_gpuvm_bo_extobj_add(vm_bo);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 2);
	}
	dma_resv_unlock(obj->resv);

	/* Once: a second list_add_tail() would point the entry at itself. */
	KUNIT_EXPECT_TRUE(test, list_is_singular(&vm->extobj.list));
	KUNIT_EXPECT_PTR_EQ(test, vm_bo->list.entry.extobj.next,
			    &vm->extobj.list);
	KUNIT_EXPECT_TRUE(test, debug_locks);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_evict() asserts the GEM's dma-resv, and moves the vm_bo. */
static void drm_test_gpuvm_lockdep_evict(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	dma_resv_lock(drm_gpuvm_resv(vm), NULL);
	kunit_warning_suppress(test) {
		drm_gpuvm_bo_evict(vm_bo, true);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	dma_resv_unlock(drm_gpuvm_resv(vm));

	KUNIT_EXPECT_TRUE(test, vm_bo->evicted);
	KUNIT_EXPECT_TRUE(test, on_evict_list(vm_bo));
	KUNIT_EXPECT_TRUE(test, debug_locks);

	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_evict(vm_bo, false);
	gpuvm_test_unlock(test);
	KUNIT_EXPECT_FALSE(test, on_evict_list(vm_bo));
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * DRM_GPUVM_VA_WEAK_REF is refused in immediate mode: drm_gpuvm_init() warns
 * once and clears it, so the VM's vm_bos hold their GEM reference.
 */
static void drm_test_gpuvm_weak_ref_not_immediate(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;

	require_bug(test);
	kunit_warning_suppress(test) {
		vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE |
					  DRM_GPUVM_VA_WEAK_REF);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_FALSE(test, drm_gpuvm_va_weak_ref(vm));
	KUNIT_EXPECT_TRUE(test, drm_gpuvm_immediate_mode(vm));

	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_EXPECT_EQ_MSG(test, gem_refs(obj), 2,
			    "the vm_bo holds no GEM reference");
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/*
 * On a DRM_GPUVM_VA_WEAK_REF VM, drm_gpuva_remove() of a mapping whose GEM
 * is at refcount zero asserts the VM's dma-resv, which every walk that can
 * find the GEM holds, and so does the last drm_gpuvm_bo_put(). A free path
 * without it gets lockdep's WARN for each, and the mappings still go.
 */
static void drm_test_gpuvm_lockdep_weak_ref_remove(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct gpuvm_test_gem *gem;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuva *va[2];
	struct drm_gpuvm *vm;
	unsigned int i;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_VA_WEAK_REF);
	obj = gpuvm_test_gem_alloc(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	for (i = 0; i < ARRAY_SIZE(va); i++) {
		va[i] = gpuvm_test_va_insert(test, vm, TEST_ADDR(i), TEST_UNIT,
					     obj, i * TEST_UNIT);
		gpuvm_test_va_link(test, va[i], vm_bo);
	}
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));

	/* In the test's thread, where the WARNs are suppressed. */
	gem = gpuvm_test_gem_weak(test, obj, vm);
	gem->free_without_vm_resv = true;
	gem->free_inline = true;
	kunit_warning_suppress(test) {
		drm_gem_object_put(obj);
		/* One per mapping, and one for the last put of the vm_bo. */
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, ARRAY_SIZE(va) + 1);
	}

	KUNIT_EXPECT_EQ(test, priv->obj_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	for (i = 0; i < ARRAY_SIZE(va); i++)
		KUNIT_EXPECT_NULL(test, drm_gpuva_find(vm, TEST_ADDR(i), TEST_UNIT));
	KUNIT_EXPECT_TRUE(test, debug_locks);
	drm_gpuvm_put(vm);
}

/*
 * On a DRM_GPUVM_VA_WEAK_REF VM, drm_gpuvm_prepare_objects() asserts the
 * VM's dma-resv, under which a dying GEM's free path drops its vm_bo: a
 * caller without it gets lockdep's WARN, once per pass, and the live
 * external GEM is locked all the same.
 */
static void drm_test_gpuvm_lockdep_weak_ref_prepare_objects(struct kunit *test)
{
	unsigned int passes = 0, warnings = 0, locked = 0;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_exec exec;
	struct drm_gpuvm *vm;
	int ret = 0;

	require_lockdep(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_VA_WEAK_REF);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	gpuvm_test_lock(test, vm, obj);
	drm_gpuvm_bo_extobj_add(vm_bo);
	gpuvm_test_unlock(test);

	kunit_warning_suppress(test) {
		drm_exec_init(&exec, 0, 0);
		drm_exec_until_all_locked(&exec) {
			passes++;
			ret = drm_gpuvm_prepare_objects(vm, &exec, 1);
			drm_exec_retry_on_contention(&exec);
		}
		warnings = KUNIT_SUPPRESSED_WARNING_COUNT();
		locked = exec.num_objects;
		KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(obj->resv));
		drm_exec_fini(&exec);
	}

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, warnings, passes);
	KUNIT_EXPECT_EQ(test, locked, 1);
	KUNIT_EXPECT_TRUE(test, debug_locks);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuvm_put(vm);
}

/* drm_gpuvm_bo_put_deferred() WARNs outside of immediate mode. */
static void drm_test_gpuvm_warn_put_deferred_not_immediate(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	bool ret = false;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);

	kunit_warning_suppress(test) {
		ret = drm_gpuvm_bo_put_deferred(vm_bo);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}

	/* Clean up what the misuse queued, so that nothing leaks. */
	KUNIT_EXPECT_TRUE(test, ret);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 0);
	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	drm_gpuvm_put(vm);
}

/* drm_gpuva_unlink_defer() WARNs outside of immediate mode. */
static void drm_test_gpuvm_warn_unlink_defer_not_immediate(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_insert(test, vm, TEST_VA_BASE, SZ_64K, obj, 0);

	gpuvm_test_va_link(test, va, vm_bo);

	kunit_warning_suppress(test) {
		drm_gpuva_unlink_defer(va);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}

	KUNIT_EXPECT_NULL(test, va->vm_bo);
	KUNIT_EXPECT_EQ(test, kref_read(&vm_bo->kref), 1);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	gpuvm_test_remove_all(vm);
	drm_gpuvm_put(vm);
}

/*
 * drm_gpuva_unlink_defer_free() WARNs once outside of immediate mode and
 * still queues the VA; the test cleans it up by hand.
 */
static void drm_test_gpuvm_warn_unlink_defer_free_not_immediate(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct llist_node *queued;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, 0);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_new(test, vm, TEST_VA_BASE, SZ_64K, obj);
	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, gpuvm_test_bo_put(test, vm_bo));
	drm_gpuva_remove(va);

	kunit_warning_suppress(test) {
		drm_gpuva_unlink_defer_free(va);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_TRUE(test, list_empty(&vm_bo->list.gpuva));
	KUNIT_EXPECT_PTR_EQ(test, va->vm_bo, vm_bo);

	/* drm_gpuvm_bo_deferred_cleanup() would WARN again, clean up here. */
	queued = llist_del_all(&vm->va_defer);
	KUNIT_EXPECT_PTR_EQ(test, queued, &va->rb.defer);
	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, va->vm_bo));
	va->vm_bo = NULL;
	drm_gpuva_free(vm, va);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	drm_gpuvm_put(vm);
}

/*
 * Freeing a VM with a VA still queued for deferred freeing WARNs once; the
 * test frees the leaked VA itself.
 */
static void drm_test_gpuvm_warn_put_with_queued_va(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	va = gpuvm_test_va_new(test, vm, TEST_VA_BASE, SZ_64K, NULL);
	drm_gpuva_remove(va);
	drm_gpuva_unlink_defer_free(va);
	KUNIT_ASSERT_EQ(test, kref_read(&vm->kref), 1);

	priv->queued_va_at_free = true;
	kunit_warning_suppress(test) {
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 0);

	gpuvm_test_va_release(priv, va);
}

/*
 * Dropping the last driver reference with zombie vm_bos queued WARNs once,
 * however many are queued. The zombies keep the VM alive, so a late
 * drm_gpuvm_bo_deferred_cleanup() still frees them, and the VM with them.
 */
static void drm_test_gpuvm_warn_put_with_zombies(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gem_object *obj[2];
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuvm *vm;
	unsigned int i;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	for (i = 0; i < ARRAY_SIZE(obj); i++) {
		obj[i] = gpuvm_test_gem_create(test, false);
		vm_bo = gpuvm_test_bo_obtain(test, vm, obj[i]);
		KUNIT_ASSERT_TRUE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	}
	KUNIT_ASSERT_EQ(test, kref_read(&vm->kref), 1 + ARRAY_SIZE(obj));

	kunit_warning_suppress(test) {
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_frees, 0,
			    "VM freed under its queued vm_bos");
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), ARRAY_SIZE(obj));

	/* Only the zombies hold the VM now. */
	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, ARRAY_SIZE(obj));
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		KUNIT_EXPECT_EQ(test, gem_refs(obj[i]), 1);
}

/*
 * Only the references of drm_gpuvm_init() and drm_gpuvm_get() are the
 * driver's: dropping one of two with a zombie queued does not WARN, nor does
 * dropping the last one while a live vm_bo holds the VM, nor taking a new one
 * through the vm_bo afterwards and dropping it. The vm_bo's final put frees
 * the VM.
 */
static void drm_test_gpuvm_put_driver_refs(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gem_object *obj, *zombie_obj;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuvm *vm;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	zombie_obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	KUNIT_ASSERT_TRUE(test,
			  drm_gpuvm_bo_put_deferred(gpuvm_test_bo_obtain(test, vm,
									 zombie_obj)));
	KUNIT_ASSERT_PTR_EQ(test, drm_gpuvm_get(vm), vm);

	kunit_warning_suppress(test) {
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 0);
	}
	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 2);

	kunit_warning_suppress(test) {
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 0);
	}
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&vm->users), 0);

	/* A new driver reference through the vm_bo's, as Rust's ARef takes. */
	kunit_warning_suppress(test) {
		KUNIT_EXPECT_PTR_EQ(test, drm_gpuvm_get(vm_bo->vm), vm);
		KUNIT_EXPECT_EQ(test, atomic_read(&vm->users), 1);
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&vm->users), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->kref), 1);

	KUNIT_EXPECT_TRUE(test, gpuvm_test_bo_put(test, vm_bo));
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
}

/*
 * Dropping the last driver reference with a VA queued that holds its vm_bo
 * WARNs once and leaves the VM alive; a late cleanup frees everything.
 */
static void drm_test_gpuvm_warn_put_with_queued_linked_va(struct kunit *test)
{
	struct gpuvm_test_priv *priv = test->priv;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gem_object *obj;
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;

	require_bug(test);
	vm = gpuvm_test_vm_create(test, DRM_GPUVM_IMMEDIATE_MODE);
	obj = gpuvm_test_gem_create(test, false);
	vm_bo = gpuvm_test_bo_obtain(test, vm, obj);
	va = gpuvm_test_va_new(test, vm, TEST_VA_BASE, SZ_64K, obj);
	gpuvm_test_va_link(test, va, vm_bo);
	KUNIT_ASSERT_FALSE(test, drm_gpuvm_bo_put_deferred(vm_bo));
	drm_gpuva_remove(va);
	drm_gpuva_unlink_defer_free(va);

	kunit_warning_suppress(test) {
		drm_gpuvm_put(vm);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	KUNIT_EXPECT_EQ_MSG(test, priv->vm_frees, 0,
			    "VM freed under its queued VA");

	/* Only the queued VA's vm_bo holds the VM now. */
	drm_gpuvm_bo_deferred_cleanup(vm);
	KUNIT_EXPECT_EQ(test, priv->va_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_bo_frees, 1);
	KUNIT_EXPECT_EQ(test, priv->vm_frees, 1);
}

static struct kunit_case drm_gpuvm_warn_tests[] = {
	KUNIT_CASE(drm_test_gpuvm_warn_init_overflow),
	KUNIT_CASE(drm_test_gpuvm_warn_remove_kernel_node),
	KUNIT_CASE(drm_test_gpuvm_warn_put_without_vm_free),
	KUNIT_CASE(drm_test_gpuvm_warn_obtain_locked_immediate),
	KUNIT_CASE(drm_test_gpuvm_warn_obtain_prealloc_not_immediate),
	KUNIT_CASE_PARAM(drm_test_gpuvm_lockdep_link_unlink,
			 gpuvm_gpuva_lock_gen_params),
	KUNIT_CASE_PARAM(drm_test_gpuvm_lockdep_bo_put, gpuvm_gpuva_lock_gen_params),
	KUNIT_CASE(drm_test_gpuvm_lockdep_bo_put_resv_protected),
	KUNIT_CASE(drm_test_gpuvm_lockdep_obtain_locked),
	KUNIT_CASE(drm_test_gpuvm_lockdep_extobj_add),
	KUNIT_CASE(drm_test_gpuvm_lockdep_evict),
	KUNIT_CASE(drm_test_gpuvm_weak_ref_not_immediate),
	KUNIT_CASE(drm_test_gpuvm_lockdep_weak_ref_remove),
	KUNIT_CASE(drm_test_gpuvm_lockdep_weak_ref_prepare_objects),
	KUNIT_CASE(drm_test_gpuvm_warn_put_deferred_not_immediate),
	KUNIT_CASE(drm_test_gpuvm_warn_put_with_zombies),
	KUNIT_CASE(drm_test_gpuvm_put_driver_refs),
	KUNIT_CASE(drm_test_gpuvm_warn_unlink_defer_not_immediate),
	KUNIT_CASE(drm_test_gpuvm_warn_unlink_defer_free_not_immediate),
	KUNIT_CASE(drm_test_gpuvm_warn_put_with_queued_va),
	KUNIT_CASE(drm_test_gpuvm_warn_put_with_queued_linked_va),
	{}
};

static struct kunit_suite drm_gpuvm_warn_test_suite = {
	.name = "drm_gpuvm_warn",
	.init = gpuvm_test_init,
	.exit = gpuvm_test_exit,
	.test_cases = drm_gpuvm_warn_tests,
};

kunit_test_suites(&drm_gpuvm_test_suite,
		  &drm_gpuvm_sm_test_suite,
		  &drm_gpuvm_bo_test_suite,
		  &drm_gpuvm_deferred_test_suite,
		  &drm_gpuvm_warn_test_suite);

MODULE_DESCRIPTION("KUnit tests for the DRM GPU VA manager");
MODULE_LICENSE("GPL");
