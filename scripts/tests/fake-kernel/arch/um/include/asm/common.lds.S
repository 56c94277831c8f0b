/* The lines of the kernel file that coverage/uml-fini-array.patch changes. */
  }
  .fini_array : {
	__fini_array_start = .;
	*(.fini_array)
	__fini_array_end = .;
  }
