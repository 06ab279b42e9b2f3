print("looptop")
