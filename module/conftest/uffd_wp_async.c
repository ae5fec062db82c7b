/* UFFD_FEATURE_WP_ASYNC (6.7+), with struct userfaultfd_ctx in the header (6.8+) */
#include <linux/userfaultfd_k.h>
bool fs_conftest(struct vm_area_struct *vma);
bool fs_conftest(struct vm_area_struct *vma) { return vma->vm_userfaultfd_ctx.ctx->features & UFFD_FEATURE_WP_ASYNC; }
