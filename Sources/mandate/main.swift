print("mandate")
